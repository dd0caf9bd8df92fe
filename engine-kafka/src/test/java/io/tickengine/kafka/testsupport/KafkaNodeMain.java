package io.tickengine.kafka.testsupport;

/**
 * One Kafka node (broker and KRaft controller) of a {@link KafkaCluster}, in its own JVM: formats its storage when it
 * is new (a restarted node keeps its log), says so on standard output, then runs the broker until it is killed.
 *
 * <p>Arguments: the node's properties file and the cluster id.
 */
public final class KafkaNodeMain {
    /** The line a node prints once its storage is formatted and the broker is starting. */
    static final String STARTING = "kafka-node: starting";

    private KafkaNodeMain() {}

    public static void main(final String[] args) {
        final String config = args[0];
        final String clusterId = args[1];
        // A test JVM that dies (killed, crashed) must not leave brokers behind on a shared machine.
        ProcessHandle.current()
                .parent()
                .ifPresent(parent ->
                        parent.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
        final int formatted = kafka.tools.StorageTool.execute(
                new String[] {"format", "--cluster-id", clusterId, "--config", config, "--ignore-formatted"},
                System.out);
        if (formatted != 0) {
            System.out.println("kafka-node: format failed [code=" + formatted + "]");
            System.exit(2);
        }
        System.out.println(STARTING);
        kafka.Kafka.main(new String[] {config});
    }
}
