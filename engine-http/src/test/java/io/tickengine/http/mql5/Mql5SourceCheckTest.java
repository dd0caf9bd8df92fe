package io.tickengine.http.mql5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What can be checked of the MQL5 sources without MetaEditor: brackets balance outside comments and strings, every
 * include resolves, and each program declares exactly the inputs {@code docs/mt5-setup.md} documents for it.
 */
class Mql5SourceCheckTest {
    private static final Pattern INPUT = Pattern.compile("(?m)^\\s*input\\s+\\w+\\s+(\\w+)\\s*=");
    private static final Pattern INCLUDE = Pattern.compile("(?m)^#include\\s+<([^>]+)>");
    private static final Pattern DOC_INPUT = Pattern.compile("(?m)^\\| `(Inp\\w+)`(?:, `(Inp\\w+)`)? \\|");
    private static final Map<String, String> DOC_SECTIONS = Map.of(
            "Experts/TickCollector.mq5", "## 5. TickCollector.mq5",
            "Experts/SignalExecutor.mq5", "## 6. SignalExecutor.mq5",
            "Scripts/BackfillHistory.mq5", "## 7. BackfillHistory.mq5");

    static Path mql5() {
        return GoldenRequestsTest.goldenDir().getParent();
    }

    static Stream<Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(mql5())) {
            return files
                    .filter(p -> p.toString().endsWith(".mq5") || p.toString().endsWith(".mqh"))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    @ParameterizedTest
    @MethodSource("sources")
    void shouldBalanceBracesParenthesesAndBrackets(final Path source) throws IOException {
        final String code = stripCommentsAndStrings(Files.readString(source, StandardCharsets.UTF_8));
        final Deque<Character> open = new ArrayDeque<>();
        int line = 1;
        for (final char c : code.toCharArray()) {
            if (c == '\n') {
                line++;
            } else if (c == '{' || c == '(' || c == '[') {
                open.push(c);
            } else if (c == '}' || c == ')' || c == ']') {
                final char expected = c == '}' ? '{' : c == ')' ? '(' : '[';
                assertFalse(open.isEmpty(), source + ":" + line + " closes " + c + " that was never opened");
                assertEquals(expected, (char) open.pop(), source + ":" + line + " closes " + c + " out of order");
            }
        }
        assertTrue(open.isEmpty(), source + " leaves " + open + " open");
    }

    @ParameterizedTest
    @MethodSource("sources")
    void shouldIncludeOnlyFilesThatExist(final Path source) throws IOException {
        final Matcher m = INCLUDE.matcher(Files.readString(source, StandardCharsets.UTF_8));
        while (m.find()) {
            final String include = m.group(1);
            if (include.startsWith("Trade/")) {
                continue; // MT5's standard library
            }
            assertTrue(Files.exists(mql5().resolve("Include").resolve(include)), source + " includes " + include);
        }
    }

    @Test
    void shouldDeclareExactlyTheInputsTheSetupGuideDocuments() throws IOException {
        final String guide = Files.readString(mql5().getParent().resolve("docs/mt5-setup.md"), StandardCharsets.UTF_8);
        for (final Map.Entry<String, String> program : DOC_SECTIONS.entrySet()) {
            final int start = guide.indexOf(program.getValue());
            assertTrue(start >= 0, "the guide has a section " + program.getValue());
            final int end = guide.indexOf("\n## ", start + 1);
            final Set<String> documented = new LinkedHashSet<>();
            final Matcher doc = DOC_INPUT.matcher(guide.substring(start, end < 0 ? guide.length() : end));
            while (doc.find()) {
                documented.add(doc.group(1));
                if (doc.group(2) != null) {
                    documented.add(doc.group(2));
                }
            }
            final Set<String> declared = new LinkedHashSet<>();
            final Matcher in =
                    INPUT.matcher(Files.readString(mql5().resolve(program.getKey()), StandardCharsets.UTF_8));
            while (in.find()) {
                declared.add(in.group(1));
            }
            assertFalse(declared.isEmpty(), program.getKey() + " declares inputs");
            assertEquals(declared, documented, program.getKey() + ": inputs in the code vs the guide");
        }
    }

    @Test
    void shouldHaveEveryProgramTheIssueNames() {
        for (final String name : List.of(
                "Experts/TickCollector.mq5",
                "Experts/SignalExecutor.mq5",
                "Scripts/BackfillHistory.mq5",
                "Include/TickEngine/Http.mqh",
                "Include/TickEngine/Json.mqh")) {
            assertTrue(Files.exists(mql5().resolve(name)), name);
        }
    }

    @Test
    void shouldSortOnlyNumericArrays() throws IOException {
        // ArraySort is documented for numeric arrays: a string[] must not be handed to it.
        final Pattern sort = Pattern.compile("ArraySort\\((\\w+)\\)");
        for (final Path source : sources().toList()) {
            final String code = stripCommentsAndStrings(Files.readString(source, StandardCharsets.UTF_8));
            final Matcher m = sort.matcher(code);
            while (m.find()) {
                final Matcher declared = Pattern.compile("(\\w+)\\s+" + m.group(1) + "\\s*\\[\\]")
                        .matcher(code);
                assertTrue(declared.find(), source + ": " + m.group(1) + " declared");
                assertTrue(
                        List.of("long", "int", "double", "ulong", "uint", "datetime")
                                .contains(declared.group(1)),
                        source + ": ArraySort on a " + declared.group(1) + " array");
            }
        }
    }

    @Test
    void shouldDoWhatTheTickCollectorSimulatorModels() throws IOException {
        final String code = Files.readString(mql5().resolve("Experts/TickCollector.mq5"), StandardCharsets.UTF_8);
        for (final String step : List.of(
                "FileMove(tmp, 0, name, FILE_REWRITE)", // state and spool written, then renamed
                "CopyTicksRange(g_symbols[i], ticks, COPY_TICKS_ALL, (ulong)from, (ulong)to)", // a bounded window
                "if(n < 0 || error != 0)", // a partial answer taken as none
                "if(!Spool(batch + \"]\", seq, last, at, scan))", // position moves only with the batch on disk
                "ArraySort(g_queue);", // the queue from file names, in seq order
                "response.status == 409",
                "response.status == 413",
                "first && duplicates > 0 && accepted == 0",
                "TeSafeSymbol(mapped)")) {
            assertTrue(code.contains(step), "TickCollector.mq5 lacks: " + step);
        }
        final TickCollectorSimulator defaults =
                new TickCollectorSimulator(List.of(), new Mt5Files(Path.of(".")), "", "");
        assertEquals(Integer.toString(defaults.batchMax), inputDefault(code, "InpBatchMax"));
        assertEquals(Integer.toString(defaults.windowMinutes), inputDefault(code, "InpWindowMinutes"));
        assertEquals(Integer.toString(defaults.spoolMaxBatches), inputDefault(code, "InpSpoolMaxBatches"));
        final String json = Files.readString(mql5().resolve("Include/TickEngine/Json.mqh"), StandardCharsets.UTF_8);
        assertTrue(json.contains("#define TE_TICK_FLAGS " + Mql5Json.TICK_FLAGS), "flag mask as in Mql5Json");
        assertTrue(json.contains("(tick.flags & TE_TICK_FLAGS)"));
    }

    @Test
    void shouldConvertTimesAndSendSymbolsAsTheSimulatorsModel() throws IOException {
        final String collector = Files.readString(mql5().resolve("Experts/TickCollector.mq5"), StandardCharsets.UTF_8);
        for (final String step : List.of(
                "#include <TickEngine/ServerTime.mqh>",
                "if(!TeParseServerTz(InpServerTz, g_tz))", // an unknown zone stops the EA at start
                "g_offsetS = TeMeasuredOffsetSeconds();\n   CheckServerTz();", // measured per batch, in Collect
                "TeServerToUtcMsc(g_tz, t, g_prevUtc[i])", // each tick at its own offset
                "TeJsonSymbol(g_symbols[i], TeSafeSymbol(g_symbols[i]), g_canonical[i])",
                "TeBaseUrl(InpEndpoint) + \"/symbols\"",
                "if(InpSymbols == \"\" && SymbolsTotal(true) != g_marketWatchTotal)", // a Market Watch addition
                "if(g_lastMsc[i] == 0 && g_scanMsc[i] == 0)")) { // a symbol new to a saved state: from now
            assertTrue(collector.contains(step), "TickCollector.mq5 lacks: " + step);
        }
        final String script = Files.readString(mql5().resolve("Scripts/BackfillHistory.mq5"), StandardCharsets.UTF_8);
        for (final String step : List.of(
                "g_to = InpTo != 0 ? InpTo : TimeTradeServer();",
                "g_from = InpFrom != 0 ? InpFrom : g_to - 86400;",
                "Post(\"/symbols\", \"[\" + TeJsonSymbol(",
                "long seq = dayStart / 86400000 * TE_SEQ_PER_DAY + k + 1;",
                "#define TE_SEQ_PER_DAY " + BackfillHistorySimulator.SEQ_PER_DAY,
                "TeServerToUtcMsc(g_tz, ticks[k].time_msc, prevUtc)",
                "TeServerToUtcMsc(g_tz, (long)rates[k].time * 1000, prevUtc)",
                "rates[n - 1].time + PeriodSeconds(InpTimeframe) > (long)g_to", // closed bars only
                "response.status == 409",
                "Comment(\"BackfillHistory: \" + g_progress);")) {
            assertTrue(script.contains(step), "BackfillHistory.mq5 lacks: " + step);
        }
        final BackfillHistorySimulator defaults = new BackfillHistorySimulator(null);
        assertEquals("\"" + defaults.baseUrl + "\"", inputDefault(script, "InpBaseUrl"));
        assertEquals("0", inputDefault(script, "InpFrom"));
        assertEquals("0", inputDefault(script, "InpTo"));
        assertEquals(Integer.toString(defaults.batch), inputDefault(script, "InpBatch"));
        final String time =
                Files.readString(mql5().resolve("Include/TickEngine/ServerTime.mqh"), StandardCharsets.UTF_8);
        for (final String step : List.of(
                "start = (long)TeNthSunday(d.year, 3, 2) + 7 * 3600;", // US: New York's 02:00 EST
                "end = (long)TeNthSunday(d.year, 11, 1) + 6 * 3600;", // 02:00 EDT
                "start = (long)TeNthSunday(d.year, 4, 1) - 7 * 86400 + 3600;", // EU: last Sunday of March, 01:00 UTC
                "end = (long)TeNthSunday(d.year, 11, 1) - 7 * 86400 + 3600;",
                "if(summerValid && (!standardValid || summer >= previousUtcMsc))")) {
            assertTrue(time.contains(step), "ServerTime.mqh lacks: " + step);
        }
        for (final String id : ServerTime.EU2) {
            assertTrue(time.contains("\"" + id + "\""), "ServerTime.mqh knows " + id);
        }
    }

    @Test
    void shouldDoWhatTheSignalExecutorSimulatorModels() throws IOException {
        final String code = Files.readString(mql5().resolve("Experts/SignalExecutor.mq5"), StandardCharsets.UTF_8);
        for (final String step : List.of(
                "((ulong)0xcbf29ce4 << 32) | (ulong)0x84222325", // FNV-1a 64, as SignalExecutorSimulator.comment
                "hash *= (ulong)0x100000001b3;",
                "StringFormat(\"%016I64x\", hash)",
                "if(!ResendAcks())",
                "response.status == 404 || response.status == 409",
                "MathFloor(size / step + 1e-7) * step",
                "NormalizeDouble(volume, StepDigits(step))",
                "SYMBOL_VOLUME_MAX",
                "request.position = position;",
                "HistorySelectByPosition(positionId)")) {
            assertTrue(code.contains(step), "SignalExecutor.mq5 lacks: " + step);
        }
        assertFalse(code.contains("\"te:\" + signalId"), "the comment is a hash, not the cut id");
        assertFalse(code.contains("PositionClose(symbol"), "no close of a whole netting position");
        assertEquals("te:" + "cbf29ce484222325", SignalExecutorSimulator.comment(""), "FNV-1a offset basis");
    }

    private static String inputDefault(final String code, final String input) {
        final Matcher m = Pattern.compile("input\\s+\\w+\\s+" + input + "\\s*=\\s*([^;]+);")
                .matcher(code);
        assertTrue(m.find(), input);
        return m.group(1).trim();
    }

    /** Replaces comments, string and character literals by spaces (keeping newlines, for line numbers). */
    static String stripCommentsAndStrings(final String code) {
        final StringBuilder out = new StringBuilder(code.length());
        int i = 0;
        while (i < code.length()) {
            final char c = code.charAt(i);
            if (c == '/' && i + 1 < code.length() && code.charAt(i + 1) == '/') {
                while (i < code.length() && code.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < code.length() && code.charAt(i + 1) == '*') {
                final int close = code.indexOf("*/", i + 2);
                final int stop = close < 0 ? code.length() : close + 2;
                for (; i < stop; i++) {
                    out.append(code.charAt(i) == '\n' ? '\n' : ' ');
                }
            } else if (c == '"' || c == '\'') {
                out.append(' ');
                i++;
                while (i < code.length() && code.charAt(i) != c) {
                    if (code.charAt(i) == '\\') {
                        i++;
                    }
                    i++;
                }
                i++;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
