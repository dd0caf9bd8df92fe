package io.tickengine.kafka.testsupport;

import java.nio.file.Path;

/**
 * A {@link KafkaCluster} for a benchmark run outside the tests ({@code benchmarks/kafka-mirror.sh}): starts the
 * nodes, creates a topic (replication factor 3, {@code min.insync.replicas=2}), prints
 * {@code kafka-cluster: bootstrap=HOST:PORT,...} and runs until it is stopped (SIGTERM stops the nodes too).
 *
 * <p>Arguments: a fresh directory, the topic, its partitions.
 */
public final class KafkaClusterMain {
    private KafkaClusterMain() {}

    public static void main(final String[] args) throws Exception {
        final KafkaCluster cluster = KafkaCluster.start(Path.of(args[0]), 3);
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "kafka-cluster-stop"));
        cluster.createTopic(args[1], Integer.parseInt(args[2]), (short) 3, 2);
        System.out.println("kafka-cluster: bootstrap=" + cluster.bootstrapServers());
        System.out.flush();
        Thread.currentThread().join();
    }
}
