package io.tickengine.kafka.testsupport;

import io.tickengine.core.testsupport.LocalPostgres;

/**
 * A throwaway PostgreSQL for a benchmark run outside the tests ({@code benchmarks/kafka-journal.sh}): starts a
 * {@link LocalPostgres}, creates the databases named by the arguments, prints {@code postgres: url=JDBC-URL} for each
 * and runs until it is stopped (SIGTERM stops the server and deletes its files).
 */
public final class LocalPostgresMain {
    private LocalPostgresMain() {}

    public static void main(final String[] args) throws Exception {
        final LocalPostgres server = LocalPostgres.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "postgres-stop"));
        for (final String database : args) {
            server.createDatabase(database);
            System.out.println("postgres: url=" + server.jdbcUrl(database));
        }
        System.out.flush();
        Thread.currentThread().join();
    }
}
