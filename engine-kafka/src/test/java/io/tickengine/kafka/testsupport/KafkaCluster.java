package io.tickengine.kafka.testsupport;

import io.tickengine.core.testsupport.ChildJvm;
import io.tickengine.core.testsupport.LoopbackPorts;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

/**
 * A real Kafka cluster on loopback for tests: {@code n} nodes, each a broker and a KRaft controller (combined roles) in
 * its own child JVM built from the test classpath, on free ports, with its log in a temp dir. A node can be killed
 * with SIGKILL ({@link #kill}) and started again on the same ports and log ({@link #restart}). Nothing leaves
 * loopback.
 *
 * <p>Timeouts are short so that a test sees a dead broker within seconds: a node is out of the cluster after
 * {@value #SESSION_TIMEOUT_MS} ms without heartbeat, and out of the in-sync replicas after {@value #REPLICA_LAG_MS} ms.
 */
public final class KafkaCluster implements AutoCloseable {
    static final int SESSION_TIMEOUT_MS = 3_000;
    static final int REPLICA_LAG_MS = 3_000;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Path dir;
    private final String clusterId = Uuid.randomUuid().toString();
    private final int[] brokerPorts;
    private final int[] controllerPorts;
    private final ChildJvm[] nodes;
    private final Admin admin;

    private KafkaCluster(final Path dir, final int size) throws Exception {
        this.dir = dir;
        this.brokerPorts = new int[size];
        this.controllerPorts = new int[size];
        this.nodes = new ChildJvm[size];
        for (int i = 0; i < size; i++) {
            brokerPorts[i] = LoopbackPorts.free();
            controllerPorts[i] = LoopbackPorts.free();
        }
        final StringBuilder voters = new StringBuilder();
        for (int i = 0; i < size; i++) {
            voters.append(i == 0 ? "" : ",").append(i + 1).append("@127.0.0.1:").append(controllerPorts[i]);
        }
        for (int i = 0; i < size; i++) {
            writeConfig(i, voters.toString());
        }
        final Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        adminProps.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        adminProps.put(AdminClientConfig.ENABLE_METRICS_PUSH_CONFIG, false);
        adminProps.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        this.admin = Admin.create(adminProps);
        // Nodes outlive a test JVM that exits without closing the cluster (a failed @BeforeAll, a timeout): not here.
        Runtime.getRuntime().addShutdownHook(new Thread(this::killAll, "kafka-cluster-cleanup"));
    }

    /**
     * Starts a cluster of {@code size} nodes and returns once every node is a live broker.
     *
     * @param dir a fresh directory for the nodes' configuration, logs and output.
     */
    public static KafkaCluster start(final Path dir, final int size) throws Exception {
        final KafkaCluster cluster = new KafkaCluster(dir, size);
        try {
            // All at once: the controllers must find each other to elect a leader.
            final List<Thread> starters = new ArrayList<>();
            final Exception[] failure = new Exception[1];
            for (int i = 0; i < size; i++) {
                final int node = i;
                final Thread t = new Thread(() -> {
                    try {
                        cluster.nodes[node] = cluster.launch(node);
                    } catch (final Exception e) {
                        synchronized (failure) {
                            failure[0] = e;
                        }
                    }
                });
                t.start();
                starters.add(t);
            }
            for (final Thread t : starters) {
                t.join();
            }
            if (failure[0] != null) {
                throw failure[0];
            }
            cluster.awaitBrokers(size);
            return cluster;
        } catch (final Exception e) {
            cluster.close();
            throw e;
        }
    }

    /** @return {@code host:port,...} of every node's broker listener. */
    public String bootstrapServers() {
        final StringBuilder s = new StringBuilder();
        for (int i = 0; i < brokerPorts.length; i++) {
            s.append(i == 0 ? "" : ",").append("127.0.0.1:").append(brokerPorts[i]);
        }
        return s.toString();
    }

    /** @return an admin client of the cluster, owned by it (closed with it). */
    public Admin admin() {
        return admin;
    }

    /** @return the number of nodes. */
    public int size() {
        return nodes.length;
    }

    /** Creates a topic and waits until every partition has a leader. */
    public void createTopic(final String name, final int partitions, final short replicas, final int minInsync)
            throws Exception {
        final NewTopic topic = new NewTopic(name, partitions, replicas)
                .configs(Map.of("min.insync.replicas", Integer.toString(minInsync)));
        admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        awaitCondition("leaders of " + name, () -> {
            final TopicDescription d = admin.describeTopics(List.of(name))
                    .allTopicNames()
                    .get(10, TimeUnit.SECONDS)
                    .get(name);
            return d.partitions().stream()
                    .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        });
    }

    /** SIGKILL of node {@code index} (0-based); returns once the process is gone. */
    public void kill(final int index) throws InterruptedException {
        final ChildJvm node = nodes[index];
        if (node != null) {
            node.kill();
            nodes[index] = null;
        }
    }

    /** @return the 0-based index of the node that leads {@code partition} of {@code topic}. */
    public int leaderOf(final String topic, final int partition) throws Exception {
        final TopicPartitionInfo p = admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get(10, TimeUnit.SECONDS)
                .get(topic)
                .partitions()
                .get(partition);
        return p.leader().id() - 1;
    }

    /** Starts node {@code index} again (same ports, same log) and waits until it is back among the brokers. */
    public void restart(final int index) throws Exception {
        if (nodes[index] != null) {
            throw new IllegalStateException("node is running [index=" + index + "]");
        }
        nodes[index] = launch(index);
        awaitCondition("node " + (index + 1) + " back", () -> liveBrokerIds().contains(index + 1));
    }

    /** Waits until every partition of {@code topic} has all its replicas in sync again. */
    public void awaitFullIsr(final String topic) throws Exception {
        awaitCondition(
                "full ISR of " + topic,
                () -> admin
                        .describeTopics(List.of(topic))
                        .allTopicNames()
                        .get(10, TimeUnit.SECONDS)
                        .get(topic)
                        .partitions()
                        .stream()
                        .allMatch(p -> p.isr().size() == p.replicas().size()));
    }

    /** @return what node {@code index} printed so far (its broker logs warnings and errors only). */
    public String output(final int index) {
        return nodes[index] == null ? "(not running)" : nodes[index].output();
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
        killAll();
    }

    private void killAll() {
        for (int i = 0; i < nodes.length; i++) {
            try {
                kill(i);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Set<Integer> liveBrokerIds()
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        final Collection<Node> live = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
        return live.stream().map(Node::id).collect(Collectors.toSet());
    }

    private void awaitBrokers(final int count) throws Exception {
        awaitCondition(count + " brokers", () -> liveBrokerIds().size() == count);
    }

    private ChildJvm launch(final int index) throws Exception {
        final List<String> command = new ArrayList<>(ChildJvm.javaCommand("384m"));
        command.set(command.indexOf("-cp") + 1, brokerClasspath());
        // Client JIT only and a small heap: a broker of a test starts in a few seconds on a small machine.
        command.add(1, "-XX:TieredStopAtLevel=1");
        command.add(1, "-XX:+UseSerialGC");
        command.add(1, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.add(1, "-Dlog4j2.level=WARN");
        command.add(KafkaNodeMain.class.getName());
        command.add(configFile(index).toString());
        command.add(clusterId);
        return ChildJvm.start(command, Map.of(), KafkaNodeMain.STARTING);
    }

    /**
     * @return engine-kafka's test classpath as the build wrote it ({@code broker.classpath}) with this support's own
     *     classes, or this JVM's classpath when the file is missing (a run from an IDE).
     */
    private static String brokerClasspath() throws IOException, java.net.URISyntaxException {
        try (java.io.InputStream in = KafkaCluster.class.getResourceAsStream("broker.classpath")) {
            if (in == null) {
                return System.getProperty("java.class.path");
            }
            final String dependencies = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            final String own = Path.of(KafkaNodeMain.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString();
            return own + java.io.File.pathSeparator + dependencies;
        }
    }

    private Path configFile(final int index) {
        return dir.resolve("node-" + (index + 1) + ".properties");
    }

    private void writeConfig(final int index, final String voters) throws IOException {
        final int id = index + 1;
        final Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(id));
        p.put("controller.quorum.voters", voters);
        p.put(
                "listeners",
                "PLAINTEXT://127.0.0.1:" + brokerPorts[index] + ",CONTROLLER://127.0.0.1:" + controllerPorts[index]);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPorts[index]);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dir.resolve("node-" + id + "-log").toString());
        p.put("num.partitions", "6");
        p.put("default.replication.factor", Integer.toString(Math.min(3, brokerPorts.length)));
        p.put("min.insync.replicas", Integer.toString(Math.min(2, brokerPorts.length)));
        p.put("offsets.topic.replication.factor", Integer.toString(Math.min(3, brokerPorts.length)));
        p.put("offsets.topic.num.partitions", "6");
        p.put("transaction.state.log.replication.factor", Integer.toString(Math.min(3, brokerPorts.length)));
        p.put("transaction.state.log.min.isr", Integer.toString(Math.min(2, brokerPorts.length)));
        p.put("transaction.state.log.num.partitions", "6");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("unclean.leader.election.enable", "false");
        p.put("broker.session.timeout.ms", Integer.toString(SESSION_TIMEOUT_MS));
        p.put("broker.heartbeat.interval.ms", "500");
        p.put("replica.lag.time.max.ms", Integer.toString(REPLICA_LAG_MS));
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("num.replica.fetchers", "1");
        p.put("background.threads", "2");
        p.put("log.cleaner.threads", "1");
        p.put("log.cleaner.dedupe.buffer.size", Long.toString(2L * 1024 * 1024));
        p.put("log.segment.bytes", Integer.toString(16 * 1024 * 1024));
        Files.createDirectories(dir);
        try (Writer w = Files.newBufferedWriter(configFile(index), StandardCharsets.UTF_8)) {
            p.store(w, "test node " + id);
        }
    }

    /** A condition that may throw while the cluster is not ready yet. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** Waits until {@code condition} holds, up to a minute; an exception from it counts as "not yet". */
    public static void awaitCondition(final String what, final Condition condition) throws Exception {
        final long deadlineNs = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() - deadlineNs < 0) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (final Exception e) {
                last = e;
            }
            Thread.sleep(100);
        }
        final AssertionError failure = new AssertionError("not within " + READY_TIMEOUT + ": " + what);
        if (last != null) {
            failure.initCause(last);
        }
        throw failure;
    }
}
