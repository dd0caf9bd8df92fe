package io.tickengine.edge;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An HTTP endpoint on loopback that answers {@code POST /ingest/tick} as a script says (503 with Retry-After, 401,
 * 400 without an index, 413 ...), and records what it received: for the forwarder's handling of answers a real
 * engine gives only in rare moments. Real HTTP; only the engine behind it is scripted.
 */
final class StubEngine implements AutoCloseable {
    /** One request as received. */
    record Received(long atNs, String body) {
        /** @return the number of ticks in the CSV body (lines after the header). */
        int ticks() {
            return (int) body.lines().count() - 1;
        }

        /** @return the seq of the first tick (the last CSV column). */
        long firstSeq() {
            final String line = body.lines().skip(1).findFirst().orElseThrow();
            return Long.parseLong(line.substring(line.lastIndexOf(',') + 1));
        }
    }

    /** An answer: status, JSON body, {@code Retry-After} or {@code null}. */
    record Answer(int status, String body, String retryAfter) {
        static Answer accepted(final Received request) {
            return new Answer(202, "{\"accepted\":" + request.ticks() + ",\"duplicates\":0}", null);
        }
    }

    /** Decides the answer to the n-th request (0-based). */
    interface Script {
        Answer answer(int n, Received request);
    }

    final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    private final HttpServer server;
    private final Script script;

    StubEngine(final Script script) throws IOException {
        this.script = script;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/ingest/tick", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(final HttpExchange exchange) throws IOException {
        try (exchange) {
            final Received request = new Received(
                    System.nanoTime(), new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            final int n;
            synchronized (received) {
                n = received.size();
                received.add(request);
            }
            final Answer answer = script.answer(n, request);
            final byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            if (answer.retryAfter() != null) {
                exchange.getResponseHeaders().set("Retry-After", answer.retryAfter());
            }
            exchange.sendResponseHeaders(answer.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
