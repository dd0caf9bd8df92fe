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
