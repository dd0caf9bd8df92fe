package io.tickengine.http.route;

import io.tickengine.core.security.Scope;

/** An endpoint. Implementations are shared by every connection and called on event loops: they must not block. */
public interface Route {
    /** @return the scope a key needs, or {@code null} for an open route. */
    Scope scope();

    /** Handles a request whose method and path matched and whose key (if needed) was accepted. */
    void handle(Exchange exchange);

    /** @return a route that needs {@code scope} and hands each request to {@code handler}. */
    static Route of(final Scope scope, final java.util.function.Consumer<Exchange> handler) {
        return new Route() {
            @Override
            public Scope scope() {
                return scope;
            }

            @Override
            public void handle(final Exchange exchange) {
                handler.accept(exchange);
            }
        };
    }
}
