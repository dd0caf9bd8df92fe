package io.tickengine.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tickengine.ml.data.Dataset;
import io.tickengine.ml.model.ModelCard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The jobs after {@code prepare}, on the real 1-minute bars in an engine's SQLite store: {@code train} is
 * deterministic and writes its card, {@code evaluate} measures and chooses a threshold, {@code predict} publishes
 * signals once, and each kind of bad input is a clear error that changes nothing.
 */
class TrainEvaluatePredictTest extends TrainedModelTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldTrainTheSameModelFromTheSameDataAndSeed() throws Exception {
        final Path again = work.resolve("again");
        final Cli cli = Cli.run(
                        "train", "--dataset", csv.toString(), "--test-from", TEST_FROM, "--model-out", again.toString())
                .ok();
        assertArrayEquals(
                Files.readAllBytes(model.resolve("model.ubj")), Files.readAllBytes(again.resolve("model.ubj")));
        final JsonNode out = JSON.readTree(cli.out());
        assertTrue(out.get("auc").asDouble() > 0.5, cli.out());
        assertEquals(ModelCard.read(model).modelId(), out.get("model").asText());
    }

    @Test
    void shouldTrainTheSameModelFromTheStoreAsFromItsCsv() throws Exception {
        final Path fromStore = work.resolve("from-store");
        Cli.run(
                        "train",
                        "--data-dir",
                        dataDir.toString(),
                        "--symbol",
                        RealBars.SYMBOL,
                        "--test-from",
                        TEST_FROM,
                        "--model-out",
                        fromStore.toString())
                .ok();
        assertArrayEquals(
                Files.readAllBytes(model.resolve("model.ubj")), Files.readAllBytes(fromStore.resolve("model.ubj")));
        final Cli neither = Cli.run("train", "--test-from", TEST_FROM, "--model-out", fromStore.toString());
        assertEquals(2, neither.exitCode());
        assertTrue(neither.err().contains("give either --dataset F or a store"), neither.err());
    }

    @Test
    void shouldWriteACardThatDescribesTheModel() {
        final ModelCard card = ModelCard.read(model);
        assertEquals(Dataset.readCsv(csv).features(), card.features());
        assertEquals(List.of(-1, 0, 1), card.classes());
        assertEquals(List.of(RealBars.SYMBOL), card.symbols());
        assertEquals("xgboost4j", card.library());
        assertEquals("3.4.0", card.libraryVersion());
        assertEquals(42, card.seed());
        assertTrue(card.trainToMsc() < RealBars.TEST_FROM_MSC, "trained before the held-out period");
        assertEquals(RealBars.TEST_FROM_MSC, card.testFromMsc());
        assertTrue(card.metrics().containsKey("auc"));
        assertTrue(card.metrics().containsKey("evaluation"), "evaluate stored its result");
        assertTrue(card.label().contains("fwd_ret_5"));
    }

    @Test
    void shouldEvaluateToOneJsonObjectAndAPlot() throws Exception {
        final Path png = work.resolve("sweep.png");
        final Cli cli = Cli.run(
                        "evaluate",
                        "--model",
                        model.toString(),
                        "--dataset",
                        csv.toString(),
                        "--test-from",
                        TEST_FROM,
                        "--json",
                        "--plot",
                        png.toString())
                .ok();
        final JsonNode out = JSON.readTree(cli.out());
        assertTrue(out.get("auc").asDouble() > 0.5 && out.get("auc").asDouble() <= 1, cli.out());
        assertTrue(out.get("accuracy").asDouble() > 0.3, cli.out());
        assertTrue(out.get("log_loss").asDouble() > 0, cli.out());
        assertEquals(3, out.get("per_class").size());
        assertTrue(out.get("sweep").size() > 10);
        assertEquals(out.get("threshold").asDouble(), ModelCard.read(model).threshold());
        final byte[] bytes = Files.readAllBytes(png);
        assertTrue(bytes.length > 1000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G');
    }

    @Test
    void shouldRefuseADatasetWhoseColumnsDifferFromTheModelCard() throws Exception {
        final List<String> lines = Files.readAllLines(csv);
        final int drop = List.of(lines.get(0).split(",")).indexOf("rsi_14");
        final List<String> changed = new ArrayList<>();
        for (final String line : lines) {
            final List<String> cells = new ArrayList<>(List.of(line.split(",", -1)));
            cells.remove(drop);
            changed.add(String.join(",", cells));
        }
        final Path other = work.resolve("no-rsi.csv");
        Files.write(other, changed);
        final Cli cli = Cli.run(
                "evaluate", "--model", model.toString(), "--dataset", other.toString(), "--test-from", TEST_FROM);
        assertEquals(2, cli.exitCode());
        assertTrue(
                cli.err().contains("differ from the model card") && cli.err().contains("missing=[rsi_14]"), cli.err());
    }

    @Test
    void shouldRefuseADatasetOutOfTimeOrder() throws Exception {
        final List<String> lines = new ArrayList<>(Files.readAllLines(csv));
        java.util.Collections.swap(lines, 10, 11);
        final Path shuffled = work.resolve("shuffled.csv");
        Files.write(shuffled, lines);
        final Cli cli = Cli.run(
                "train",
                "--dataset",
                shuffled.toString(),
                "--test-from",
                TEST_FROM,
                "--model-out",
                work.resolve("never").toString());
        assertEquals(2, cli.exitCode());
        assertTrue(cli.err().contains("dataset not in time order") && cli.err().contains("row=10"), cli.err());
        assertTrue(!Files.exists(work.resolve("never")), "nothing written");
    }

    @Test
    void shouldRefuseAModelDirectoryOfAnotherVersion() throws Exception {
        final Path old = work.resolve("old-model");
        Files.createDirectories(old);
        Files.copy(model.resolve("model.ubj"), old.resolve("model.ubj"));
        Files.writeString(
                old.resolve("card.json"),
                Files.readString(model.resolve("card.json"))
                        .replace("\"format_version\" : 1", "\"format_version\" : 0"));
        final Cli cli = Cli.run("predict", "--data-dir", dataDir.toString(), "--model", old.toString(), "--latest");
        assertEquals(2, cli.exitCode());
        assertTrue(cli.err().contains("model directory of another version"), cli.err());
        assertTrue(cli.err().contains("format_version=0, expected=1"), cli.err());
    }

    @Test
    void shouldPublishEachSignalOnceHoweverOftenPredictRuns() throws Exception {
        final String[] predict = {
            "predict",
            "--data-dir",
            dataDir.toString(),
            "--model",
            model.toString(),
            "--from",
            TEST_FROM,
            "--to",
            "2017-11-15",
            "--valid-ms",
            "1000"
        };
        final JsonNode first = JSON.readTree(Cli.run(predict).ok().out());
        assertTrue(first.get("added").asInt() > 0, first.toString());
        assertEquals(first.get("signals").asInt(), first.get("added").asInt());
        final JsonNode second = JSON.readTree(Cli.run(predict).ok().out());
        assertEquals(first.get("signals").asInt(), second.get("signals").asInt());
        assertEquals(0, second.get("added").asInt(), "a second run adds nothing");
        final int signals = first.get("signals").asInt();
        assertEquals(signals, count("SELECT count(*) FROM signals"));
        assertEquals(signals, count("SELECT count(*) FROM signals_queue"));
        assertEquals(signals, count("SELECT count(*) FROM model_signals"));
        assertEquals(signals, count("SELECT count(DISTINCT open_time) FROM model_signals"));
    }

    @Test
    void shouldRefuseTooFewBarsAndInsertNothing() throws Exception {
        final Path shortDir = Files.createTempDirectory("ml-short");
        try {
            RealBars.loadInto(shortDir, 0);
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + shortDir.resolve("tick-engine.db"));
                    Statement s = c.createStatement()) {
                s.executeUpdate("DELETE FROM market_data WHERE open_time > 1509836520000 + 20 * 60000");
            }
            final Cli cli =
                    Cli.run("predict", "--data-dir", shortDir.toString(), "--model", model.toString(), "--latest");
            assertEquals(2, cli.exitCode());
            assertTrue(cli.err().contains("too few bars") && cli.err().contains("symbol=BTCALT"), cli.err());
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + shortDir.resolve("tick-engine.db"));
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(
                            "SELECT (SELECT count(*) FROM signals) + (SELECT count(*) FROM" + " model_signals)")) {
                rs.next();
                assertEquals(0, rs.getInt(1));
            }
        } finally {
            TempFiles.delete(shortDir);
        }
    }

    @Test
    void shouldRefuseASymbolWithoutCandles() {
        final Cli cli = Cli.run(
                "predict",
                "--data-dir",
                dataDir.toString(),
                "--model",
                model.toString(),
                "--symbol",
                "XAUUSD",
                "--latest");
        assertEquals(2, cli.exitCode());
        assertTrue(cli.err().contains("symbol=XAUUSD"), cli.err());
    }

    @Test
    void shouldExitNonZeroWhenTheDatabaseIsDown() {
        final Cli cli = Cli.run(
                "predict", "--db-url", "jdbc:postgresql://127.0.0.1:1/tick", "--model", model.toString(), "--latest");
        assertEquals(1, cli.exitCode());
        assertTrue(cli.err().contains("store unavailable"), cli.err());
    }

    @Test
    void shouldAnswerHelpOnEveryCommand() {
        for (final String command : List.of("prepare", "train", "evaluate", "predict")) {
            final Cli cli = Cli.run(command, "--help").ok();
            assertTrue(cli.out().contains("Usage: ml-batch " + command), cli.out());
        }
    }

    private int count(final String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("tick-engine.db"));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
