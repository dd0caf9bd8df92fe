package io.tickengine.kafka.testsupport;

import io.tickengine.core.testsupport.Dirs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test class a real 3-node {@link KafkaCluster}: register with {@code @ExtendWith(KafkaClusterExtension.class)}
 * and declare a {@code KafkaCluster} parameter on the constructor (or on a test method).
 *
 * <p>The cluster is started before the class's first test ({@code beforeAll}) and shared by all its tests; it is
 * stopped and its directory deleted when the class finishes. Each test class gets its own cluster, so a broker a test
 * kills and does not restart stays down for the tests of that class only.
 */
public final class KafkaClusterExtension implements BeforeAllCallback, ParameterResolver {
    /** Nodes of the cluster: enough for a replication factor of 3 and a broker killed with two still in sync. */
    public static final int NODES = 3;

    private static final Namespace NAMESPACE = Namespace.create(KafkaClusterExtension.class);
    private static final String CLUSTER_KEY = "cluster";

    @Override
    public void beforeAll(final ExtensionContext context) throws Exception {
        context.getStore(NAMESPACE).put(CLUSTER_KEY, ClassCluster.start());
    }

    @Override
    public boolean supportsParameter(final ParameterContext parameterContext, final ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == KafkaCluster.class;
    }

    @Override
    public KafkaCluster resolveParameter(
            final ParameterContext parameterContext, final ExtensionContext extensionContext) {
        // The store of a test's context falls back to its class's, where beforeAll put the cluster.
        final ClassCluster classCluster = extensionContext.getStore(NAMESPACE).get(CLUSTER_KEY, ClassCluster.class);
        if (classCluster == null) {
            throw new ParameterResolutionException("no Kafka cluster: register the extension on the test class"
                    + " [context=" + extensionContext.getUniqueId() + "]");
        }
        return classCluster.cluster();
    }

    /** One test class's cluster and its directory; both gone when the class's store is closed. */
    private record ClassCluster(Path dir, KafkaCluster cluster) implements AutoCloseable {
        static ClassCluster start() throws Exception {
            final Path dir = Files.createTempDirectory("kafka-cluster-");
            try {
                return new ClassCluster(dir, KafkaCluster.start(dir, NODES));
            } catch (final Exception e) {
                Dirs.deleteRecursively(dir);
                throw e;
            }
        }

        @Override
        public void close() {
            try {
                cluster.close();
            } finally {
                Dirs.deleteRecursively(dir);
            }
        }
    }
}
