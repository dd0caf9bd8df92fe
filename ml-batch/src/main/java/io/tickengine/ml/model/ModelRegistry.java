package io.tickengine.ml.model;

import io.tickengine.ml.MlException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The models under one directory, for a server that scores with the newest one: the directory itself when it is a
 * model directory, else each subdirectory that holds a {@code card.json}. The newest model of a symbol and timeframe
 * is the one whose card was written last ({@code train} writes it, {@code evaluate} rewrites it with the threshold).
 *
 * <p>{@link #latest} looks at the directory on every call (a listing and a few file times) and loads a model again
 * when its files changed, so a new model is served from the next request on without a restart. A replaced model is
 * not freed while requests may still be scoring with it; {@link #close()} frees them all. A directory that cannot be
 * loaded (of another version, half written) is skipped with a warning, so one bad directory does not stop the others
 * being served. Thread-safe.
 */
public final class ModelRegistry implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ModelRegistry.class);

    private final Path root;
    private final Map<Path, Loaded> loaded = new HashMap<>();
    private final List<ForestModel> retired = new ArrayList<>();
    private final java.util.Set<String> warned = new java.util.HashSet<>();

    private record Loaded(long cardModifiedMsc, long modelModifiedMsc, ForestModel model) {}

    public ModelRegistry(final Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /**
     * @return the newest loadable model for {@code symbol} and {@code timeframe}, or empty when there is none.
     */
    public synchronized Optional<ForestModel> latest(final String symbol, final String timeframe) {
        ForestModel best = null;
        long bestModified = Long.MIN_VALUE;
        for (final Path dir : candidates()) {
            final ForestModel model;
            final long modified;
            try {
                modified =
                        Files.getLastModifiedTime(dir.resolve(ModelCard.FILE)).toMillis();
                model = load(dir, modified);
            } catch (final IOException e) {
                continue; // removed while we looked
            } catch (final MlException e) {
                if (warned.add(dir + "@" + e.getMessage())) {
                    LOG.warn("model directory skipped [dir={}, cause={}]", dir, e.getMessage());
                }
                continue;
            }
            if (model.card().symbols().contains(symbol)
                    && model.card().timeframe().equals(timeframe)
                    && modified > bestModified) {
                best = model;
                bestModified = modified;
            }
        }
        return Optional.ofNullable(best);
    }

    private List<Path> candidates() {
        if (Files.isRegularFile(root.resolve(ModelCard.FILE))) {
            return List.of(root);
        }
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(root)) {
            return children.filter(d -> Files.isRegularFile(d.resolve(ModelCard.FILE)))
                    .sorted()
                    .toList();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot list the models [dir=" + root + "]", e);
        }
    }

    private ForestModel load(final Path dir, final long cardModifiedMsc) throws IOException {
        final long modelModifiedMsc =
                Files.getLastModifiedTime(dir.resolve(ForestTrainer.MODEL_FILE)).toMillis();
        final Loaded current = loaded.get(dir);
        if (current != null
                && current.cardModifiedMsc() == cardModifiedMsc
                && current.modelModifiedMsc() == modelModifiedMsc) {
            return current.model();
        }
        final ForestModel model = ForestModel.load(dir);
        if (current != null) {
            retired.add(current.model());
        }
        loaded.put(dir, new Loaded(cardModifiedMsc, modelModifiedMsc, model));
        return model;
    }

    @Override
    public synchronized void close() {
        loaded.values().forEach(l -> l.model().close());
        retired.forEach(ForestModel::close);
        loaded.clear();
        retired.clear();
    }
}
