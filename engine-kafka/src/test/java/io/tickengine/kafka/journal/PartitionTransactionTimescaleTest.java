package io.tickengine.kafka.journal;

import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.TimescaleDb;

/** {@link PartitionTransactionTest} on TimescaleDB: {@code ticks} and {@code market_data} are hypertables. */
@TimescaleDb
class PartitionTransactionTimescaleTest extends PartitionTransactionTest {
    PartitionTransactionTimescaleTest(final PgDatabase pg) {
        super(pg);
    }
}
