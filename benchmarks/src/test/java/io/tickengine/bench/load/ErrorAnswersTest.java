package io.tickengine.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load generator's error answers by reason, as the comparison table reads them from a run's JSON. */
class ErrorAnswersTest {
    @Test
    void shouldNameTheEnginesErrorWithoutItsDetails() {
        assertEquals(
                "not journaled: disk full",
                HttpLoadClient.reason("{\"error\":\"not journaled: disk full [dir=/d/journal, freeBytes=72015872,"
                        + " minFreeBytes=268435456]\",\"status\":503}"));
        assertEquals("ring full", HttpLoadClient.reason("{\"error\":\"ring full\",\"status\":503}"));
    }

    @Test
    void shouldTakeTheStartOfABodyThatIsNotTheEnginesError() {
        assertEquals("Bad Gateway", HttpLoadClient.reason("  Bad Gateway\n"));
        assertEquals("x".repeat(60), HttpLoadClient.reason("x".repeat(100)));
    }

    @Test
    void shouldKeepTheErrorAnswersThroughTheRunsJson(@TempDir final Path dir) throws Exception {
        final LoadResult written = new LoadResult(
                "engine-sustained",
                "tick-engine",
                "json",
                1000,
                8,
                0,
                300,
                1_000,
                1_000_000,
                33,
                3.3,
                3333.3,
                1,
                2,
                3,
                4,
                5,
                "503 not journaled: disk full x32; 503 ring full x1");
        written.write(dir.resolve("run.json"));
        assertEquals(written, LoadResult.read(dir.resolve("run.json")));
    }
}
