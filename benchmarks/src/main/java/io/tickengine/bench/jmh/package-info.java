/**
 * JMH suites. Run them from the executable jar ({@code java -jar benchmarks/target/tick-bench.jar jmh ...}); every
 * fork gets the JVM flags Chronicle and Agrona need ({@link io.tickengine.bench.jmh.BenchJvm}). The build only
 * compiles them.
 */
package io.tickengine.bench.jmh;
