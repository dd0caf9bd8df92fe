-- journal.kind=kafka: the engines of one consumer group store the topic's ticks and candles here. Idempotent.
--
-- Per partition of the topic, the offset of the next message to store: it commits in the same transaction as the
-- ticks and candles of the messages before it, so a partition's new owner (after a rebalance, an engine killed)
-- resumes exactly there. Kafka's own committed offsets are not used. A batch commits only if the row still holds the
-- offset its writer started from, so an engine that lost a partition without knowing it yet cannot store it twice.
CREATE TABLE IF NOT EXISTS kafka_offsets (
    topic        text        NOT NULL,
    partition    integer     NOT NULL,
    next_offset  bigint      NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (topic, partition)
);

-- Per partition and source, the duplicate check's state (as engine_source_seq for the local journal): the highest
-- seq stored and the bitmap of the seqs stored below it, committed with the ticks.
CREATE TABLE IF NOT EXISTS kafka_source_seq (
    topic        text        NOT NULL,
    partition    integer     NOT NULL,
    source       text        NOT NULL,
    last_seq     bigint      NOT NULL,
    window_bits  bytea       NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (topic, partition, source)
);
