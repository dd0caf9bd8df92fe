package io.tickengine.http.route;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.tickengine.core.EngineContext;
import io.tickengine.core.security.Scope;
import io.tickengine.core.tick.NameTable;
import io.tickengine.ml.MlException;
import io.tickengine.ml.data.FeatureView;
import io.tickengine.ml.data.MlStore;
import io.tickengine.ml.model.ForestModel;
import io.tickengine.ml.model.ModelRegistry;
import io.tickengine.ml.signal.Predictor;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code GET /predict?symbol=&tf=M1}: the newest model of the symbol and timeframe (under {@code http.predict.model.dir},
 * reloaded when its directory changes) scores the features of the latest closed bar, read from the store's
 * {@code features_m1} view by the same code as {@code ml-batch predict}. Answers
 * {@code {symbol, tf, time_msc, p_down, p_flat, p_up, signal, model}}; 404 when there is no model for the symbol and
 * timeframe, 409 when the store has too few bars for the features. Runs on the blocking executor.
 *
 * <p>The view computes its windows over the symbol's whole history, so an answer is kept until the latest closed
 * bar (its open time and last write, one index lookup) or the model changes: one view query per symbol per minute.
 */
public final class PredictRoute implements Route, AutoCloseable {
    private final EngineContext engineContext;
    private final ModelRegistry models;
    private final Blocking blocking;
    private final java.util.concurrent.ConcurrentHashMap<String, Cached> answers =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final ThreadLocal<Connection> sqliteConnection = new ThreadLocal<>();
    private final java.util.List<Connection> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
    private MlStore store;

    private record Cached(String barVersion, ForestModel model, Predictor.Scored scored) {}

    public PredictRoute(final EngineContext engineContext, final Path modelDir, final Blocking blocking) {
        this.engineContext = engineContext;
        this.models = new ModelRegistry(modelDir);
        this.blocking = blocking;
    }

    @Override
    public Scope scope() {
        return Scope.READ;
    }

    @Override
    public void handle(final Exchange exchange) {
        final QueryParams params = new QueryParams(exchange.request().uri());
        final String symbol;
        final String tf;
        try {
            symbol = params.required("symbol");
            if (!NameTable.isValid(symbol)) {
                throw new QueryParams.BadParameter("symbol", "invalid symbol: 1-32 of [A-Za-z0-9._#+-]");
            }
            tf = params.string("tf", FeatureView.TIMEFRAME).toUpperCase(Locale.ROOT);
        } catch (final QueryParams.BadParameter e) {
            exchange.respond(Responses.badParameter(exchange.alloc(), e));
            return;
        }
        blocking.run(exchange, "predict", () -> predict(exchange, symbol, tf));
    }

    private FullHttpResponse predict(final Exchange exchange, final String symbol, final String tf) throws Exception {
        final Optional<ForestModel> found;
        try {
            found = models.latest(symbol, tf);
        } catch (final MlException e) {
            return Responses.error(exchange.alloc(), HttpResponseStatus.INTERNAL_SERVER_ERROR, e.getMessage());
        }
        if (found.isEmpty()) {
            return Responses.error(
                    exchange.alloc(),
                    HttpResponseStatus.NOT_FOUND,
                    "no model for the symbol and timeframe [symbol=" + symbol + ", tf=" + tf + ", dir=" + models.root()
                            + "]");
        }
        final ForestModel model = found.get();
        final Predictor.Scored scored;
        try {
            scored = score(model, symbol);
        } catch (final MlException.NoCandles | MlException.TooFewBars e) {
            return Responses.error(exchange.alloc(), HttpResponseStatus.CONFLICT, e.getMessage());
        }
        final StringBuilder json = new StringBuilder(192).append("{\"symbol\":");
        Responses.quote(json, symbol)
                .append(",\"tf\":\"")
                .append(tf)
                .append("\",\"time_msc\":")
                .append(scored.timeMsc())
                .append(",\"p_down\":")
                .append(scored.pDown())
                .append(",\"p_flat\":")
                .append(scored.pFlat())
                .append(",\"p_up\":")
                .append(scored.pUp())
                .append(",\"signal\":\"")
                .append(scored.sideName())
                .append("\",\"model\":");
        Responses.quote(json, model.id()).append('}');
        return Responses.json(exchange.alloc(), HttpResponseStatus.OK, json);
    }

    private Predictor.Scored score(final ForestModel model, final String symbol) throws SQLException {
        final MlStore s = store();
        if (s.postgres()) {
            try (Connection c = s.connect()) {
                return score(s, c, model, symbol);
            }
        }
        // A new SQLite connection parses the schema (the views are long): ~2 ms, most of an answer. Each blocking
        // thread keeps one open; in WAL mode an idle reader holds no lock.
        Connection c = sqliteConnection.get();
        if (c == null) {
            c = s.connect();
            sqliteConnection.set(c);
            opened.add(c);
        }
        try {
            return score(s, c, model, symbol);
        } catch (final SQLException e) {
            sqliteConnection.remove();
            opened.remove(c);
            c.close();
            throw e;
        }
    }

    private Predictor.Scored score(final MlStore s, final Connection c, final ForestModel model, final String symbol)
            throws SQLException {
        final long nowMsc = System.currentTimeMillis();
        final String barVersion = FeatureView.latestBarVersion(s, c, symbol, nowMsc - Predictor.BAR_MSC);
        final Cached cached = answers.get(symbol);
        if (cached != null && cached.model() == model && java.util.Objects.equals(cached.barVersion(), barVersion)) {
            return cached.scored();
        }
        final Predictor.Scored scored = Predictor.latest(c, model, symbol, nowMsc);
        answers.put(symbol, new Cached(barVersion, model, scored));
        return scored;
    }

    private synchronized MlStore store() {
        if (store == null) {
            store = MlStore.forEngine(engineContext);
        }
        return store;
    }

    @Override
    public synchronized void close() {
        for (final Connection c : opened) {
            try {
                c.close();
            } catch (final SQLException e) {
                // closing anyway
            }
        }
        opened.clear();
        models.close();
        if (store != null) {
            store.close();
        }
    }
}
