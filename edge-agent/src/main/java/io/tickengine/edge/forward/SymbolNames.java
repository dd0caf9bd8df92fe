package io.tickengine.edge.forward;

import java.sql.SQLException;

/** Resolves the symbol ids of a {@link io.tickengine.core.tick.TickBuffer} to names, for {@link CsvBody}. */
@FunctionalInterface
public interface SymbolNames {
    /** @return the name of symbol {@code id}. */
    String name(int id) throws SQLException;
}
