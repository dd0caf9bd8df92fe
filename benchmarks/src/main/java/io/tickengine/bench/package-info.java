/** JMH benchmarks and the end-to-end load generator (built by the benchmarks issue). */
package io.tickengine.bench;
