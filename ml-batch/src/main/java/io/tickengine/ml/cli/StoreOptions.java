package io.tickengine.ml.cli;

import io.tickengine.ml.MlException;
import io.tickengine.ml.data.MlStore;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** Where the engine's store is: {@code --data-dir D} (its SQLite file) or {@code --db-url URL}. */
public final class StoreOptions {
    /** Exactly one of the two. */
    static final class Where {
        @Option(
                names = "--data-dir",
                required = true,
                description = "the engine's data directory; its SQLite file is opened, nothing else (no lock)")
        Path dataDir;

        @Option(
                names = "--db-url",
                required = true,
                description = "jdbc:postgresql://host:port/db (or jdbc:sqlite:FILE)")
        String dbUrl;
    }

    @ArgGroup(multiplicity = "0..1")
    Where where;

    @Option(names = "--db-user", description = "database user, if not in the URL (e.g. tick_reader, mt5_app)")
    String dbUser;

    @Option(
            names = "--db-password",
            defaultValue = "${env:TICK_DB_PASSWORD}",
            description = "database password, if not in the URL (default: environment TICK_DB_PASSWORD)")
    String dbPassword;

    /** @return true when {@code --data-dir} or {@code --db-url} was given. */
    boolean given() {
        return where != null;
    }

    /** Opens the store; {@code readOnly} for jobs that only read. */
    MlStore open(final boolean readOnly) {
        if (where == null) {
            throw new MlException("no store: give --data-dir DIR or --db-url URL");
        }
        return where.dataDir != null
                ? MlStore.sqlite(where.dataDir, readOnly)
                : MlStore.url(where.dbUrl, dbUser, dbPassword, readOnly);
    }
}
