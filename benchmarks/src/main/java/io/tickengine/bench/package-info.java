/**
 * Benchmarks of the tick engine: JMH suites ({@code jmh}), the end-to-end HTTP load generator ({@code load}), the
 * no-op HTTP server that sets the ceiling ({@code noop}) and the comparison report ({@code report}). Everything runs
 * from one executable jar, {@code benchmarks/target/tick-bench.jar}, through {@link io.tickengine.bench.BenchMain}.
 * Nothing here runs in the build: JMH classes are only compiled.
 */
package io.tickengine.bench;
