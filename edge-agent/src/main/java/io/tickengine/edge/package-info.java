/**
 * The store-and-forward agent that runs beside MT5 on the Windows host: {@link io.tickengine.edge.EdgeAgent}
 * assembles the SQLite buffer ({@code store}), the listener with the engine's {@code /ingest/tick} contract
 * ({@code ingest}) and the forwarder to the engine ({@code forward}); {@code cli} holds the {@code edge-agent}
 * commands. Not the engine's hot path: plain, readable Java.
 */
package io.tickengine.edge;
