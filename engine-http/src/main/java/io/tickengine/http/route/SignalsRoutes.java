package io.tickengine.http.route;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.tickengine.core.security.Scope;
import io.tickengine.core.signal.Ack;
import io.tickengine.core.signal.AckOutcome;
import io.tickengine.core.signal.Lease;
import io.tickengine.core.signal.Signal;
import io.tickengine.core.signal.SignalStore;
import io.tickengine.http.codec.SignalJson;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The trading-signal endpoints: {@code POST /signals} (publish, idempotent on {@code signal_id}),
 * {@code GET /signals/next} (lease one), {@code POST /signals/ack} (report, idempotent per lease),
 * {@code GET /signals/latest}. Bodies are parsed on the event loop; the database work runs on the blocking executor.
 */
public final class SignalsRoutes {
    /** Most signals {@code /signals/latest} returns. */
    public static final int MAX_LATEST = 1000;

    private final SignalStore store;
    private final Blocking blocking;
    private final long leaseMs;

    public SignalsRoutes(final SignalStore store, final Blocking blocking, final long leaseMs) {
        this.store = store;
        this.blocking = blocking;
        this.leaseMs = leaseMs;
    }

    /** @return {@code POST /signals}. */
    public Route publish() {
        return Route.of(Scope.SIGNALS, exchange -> {
            if (!JsonRequests.isJson(exchange)) {
                return;
            }
            final List<Signal> signals;
            try {
                signals = SignalJson.readSignals(JsonRequests.body(exchange), System.currentTimeMillis());
            } catch (final SignalJson.Invalid e) {
                badRequest(exchange, e);
                return;
            }
            blocking.run(exchange, "signal publish", () -> {
                final int added = store.publish(signals);
                return Responses.json(
                        exchange.alloc(),
                        added > 0 ? HttpResponseStatus.CREATED : HttpResponseStatus.OK,
                        "{\"published\":" + added + ",\"existing\":" + (signals.size() - added) + "}");
            });
        });
    }

    /** @return {@code GET /signals/next?consumer=&symbol=}. */
    public Route next() {
        return Route.of(Scope.SIGNALS, exchange -> {
            final QueryParams params = new QueryParams(exchange.request().uri());
            final String consumer;
            final String symbol;
            try {
                consumer = params.required("consumer");
                if (!SignalJson.ID.matcher(consumer).matches()) {
                    throw new QueryParams.BadParameter("consumer", "invalid consumer: 1-64 of [A-Za-z0-9._:-]");
                }
                symbol = params.symbol(false);
            } catch (final QueryParams.BadParameter e) {
                badRequest(exchange, e);
                return;
            }
            blocking.run(exchange, "signal lease", () -> {
                final Optional<Lease> lease = store.next(consumer, symbol, leaseMs, System.currentTimeMillis());
                if (lease.isEmpty()) {
                    return Responses.empty(HttpResponseStatus.NO_CONTENT);
                }
                return Responses.json(exchange.alloc(), HttpResponseStatus.OK, SignalJson.writeLease(lease.get()));
            });
        });
    }

    /** @return {@code POST /signals/ack}. */
    public Route ack() {
        return Route.of(Scope.SIGNALS, exchange -> {
            if (!JsonRequests.isJson(exchange)) {
                return;
            }
            final Ack ack;
            try {
                ack = SignalJson.readAck(JsonRequests.body(exchange), System.currentTimeMillis());
            } catch (final SignalJson.Invalid e) {
                badRequest(exchange, e);
                return;
            }
            blocking.run(exchange, "signal ack", () -> {
                final AckOutcome outcome = store.ack(ack);
                return switch (outcome) {
                    case RECORDED, REPEATED ->
                        Responses.json(
                                exchange.alloc(),
                                HttpResponseStatus.OK,
                                "{\"status\":\"" + outcome.name().toLowerCase(Locale.ROOT) + "\",\"signal_id\":\""
                                        + ack.signalId() + "\"}");
                    case UNKNOWN_SIGNAL ->
                        Responses.error(
                                exchange.alloc(), HttpResponseStatus.NOT_FOUND, "no such signal", -1, "signal_id");
                    case FOREIGN_LEASE ->
                        Responses.error(
                                exchange.alloc(),
                                HttpResponseStatus.CONFLICT,
                                "the signal is leased to, or was acked by, another lease",
                                -1,
                                "lease_id");
                    case NOT_LEASED ->
                        Responses.error(
                                exchange.alloc(),
                                HttpResponseStatus.CONFLICT,
                                "the signal was never leased",
                                -1,
                                "lease_id");
                };
            });
        });
    }

    /** @return {@code GET /signals/latest?symbol=&limit=}. */
    public Route latest() {
        return Route.of(Scope.READ, exchange -> {
            final QueryParams params = new QueryParams(exchange.request().uri());
            final String symbol;
            final int limit;
            try {
                symbol = params.symbol(false);
                limit = (int) params.longValue("limit", 100, 1, MAX_LATEST);
            } catch (final QueryParams.BadParameter e) {
                badRequest(exchange, e);
                return;
            }
            blocking.run(exchange, "latest signals", () -> {
                final List<Signal> signals = store.latest(symbol, limit);
                final StringBuilder json = new StringBuilder(64 + signals.size() * 256).append('[');
                for (int i = 0; i < signals.size(); i++) {
                    json.append(i == 0 ? "{" : ",{");
                    SignalJson.writeSignalFields(json, signals.get(i)).append('}');
                }
                return Responses.json(exchange.alloc(), HttpResponseStatus.OK, json.append(']'));
            });
        });
    }

    private static void badRequest(final Exchange exchange, final SignalJson.Invalid e) {
        final FullHttpResponse response =
                Responses.error(exchange.alloc(), HttpResponseStatus.BAD_REQUEST, e.getMessage(), e.index(), e.field());
        exchange.respond(response);
    }

    private static void badRequest(final Exchange exchange, final QueryParams.BadParameter e) {
        exchange.respond(Responses.badParameter(exchange.alloc(), e));
    }
}
