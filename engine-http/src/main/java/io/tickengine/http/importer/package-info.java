/**
 * Readers for history files that {@code tick-engine import} pushes through the engine: the engine's own tick CSV
 * and MetaTrader 5's "Export ticks" and "Export bars" files ({@link io.tickengine.http.importer.TickFileReader},
 * {@link io.tickengine.http.importer.BarFileReader}), with a console {@link io.tickengine.core.cli.ProgressBar}.
 *
 * <p>Not the hot path: plain, readable Java, one reader per file on the importing thread.
 */
package io.tickengine.http.importer;
