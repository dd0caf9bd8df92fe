package io.tickengine.core.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test class whose {@link PgDatabase} must be a TimescaleDB database: {@link PostgresExtension} creates it
 * with {@code CREATE EXTENSION timescaledb} and names it {@code ts_<class name>_<random>} (plain ones are
 * {@code t_...}), so a log or a failure says which of the two a test ran on.
 *
 * <p>Without the TimescaleDB library on this machine, such a class fails when the environment variable {@code CI} is
 * {@code true} (CI must run it: {@code .ci/run} installs the library first) and is skipped otherwise, with a message
 * naming {@code ../shared/tools/install-timescaledb.sh}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface TimescaleDb {}
