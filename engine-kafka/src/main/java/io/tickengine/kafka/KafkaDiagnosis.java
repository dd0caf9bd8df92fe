package io.tickengine.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Says in plain words why the cluster does not take a topic's messages: {@code cluster unreachable},
 * {@code topic missing} or {@code too few in-sync replicas}, as an operator reads it in {@code /health}. Asks the
 * cluster with an admin client (made on first use); blocks for up to the timeout, so for agents, never an event loop.
 * Not thread-safe.
 */
public final class KafkaDiagnosis implements AutoCloseable {
    private final KafkaSettings settings;
    private final Duration timeout;
    private Admin admin;

    public KafkaDiagnosis(final KafkaSettings settings, final Duration timeout) {
        this.settings = settings;
        this.timeout = timeout;
    }

    /**
     * @param cause what the client reported, named when the cluster itself looks fine.
     * @return the reason, e.g. {@code topic missing [topic=ticks]}.
     */
    public String diagnose(final Throwable cause) {
        final String problem = problem();
        return problem != null ? problem : "send failed [topic=" + settings.topic() + ", cause=" + cause + "]";
    }

    /**
     * @return what keeps the cluster from taking the topic's messages now ({@code cluster unreachable},
     *     {@code topic missing}, {@code no leader}, {@code too few in-sync replicas}, ...), or {@code null} when the
     *     cluster, the topic and every partition look fine.
     */
    public String problem() {
        final long ms = timeout.toMillis();
        try {
            if (admin == null) {
                admin = Admin.create(Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        settings.bootstrapServers(),
                        AdminClientConfig.CLIENT_ID_CONFIG,
                        settings.clientId() + "-diagnosis",
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                        (int) ms,
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                        (int) ms,
                        AdminClientConfig.ENABLE_METRICS_PUSH_CONFIG,
                        false));
            }
            try {
                admin.describeCluster().nodes().get(ms, TimeUnit.MILLISECONDS);
            } catch (final ExecutionException | TimeoutException e) {
                return "cluster unreachable [bootstrap=" + settings.bootstrapServers() + "]";
            }
            final TopicDescription topic;
            try {
                topic = admin.describeTopics(List.of(settings.topic()))
                        .allTopicNames()
                        .get(ms, TimeUnit.MILLISECONDS)
                        .get(settings.topic());
            } catch (final ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    return "topic missing [topic=" + settings.topic() + "] (the operator creates it)";
                }
                return "topic not readable [topic=" + settings.topic() + ", cause=" + e.getCause() + "]";
            }
            final ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, settings.topic());
            final Config config = admin.describeConfigs(List.of(resource))
                    .all()
                    .get(ms, TimeUnit.MILLISECONDS)
                    .get(resource);
            final ConfigEntry entry = config.get("min.insync.replicas");
            final int required = entry == null ? 1 : Integer.parseInt(entry.value());
            for (final TopicPartitionInfo p : topic.partitions()) {
                if (p.leader() == null || p.leader().isEmpty()) {
                    return "no leader [topic=" + settings.topic() + ", partition=" + p.partition() + "]";
                }
                if (p.isr().size() < required) {
                    return "too few in-sync replicas [topic=" + settings.topic() + ", partition=" + p.partition()
                            + ", inSync=" + p.isr().size() + ", required=" + required + " (min.insync.replicas)]";
                }
            }
            return null;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (final ExecutionException | TimeoutException | RuntimeException e) {
            return "cluster not answering [bootstrap=" + settings.bootstrapServers() + ", cause=" + e + "]";
        }
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
            admin = null;
        }
    }
}
