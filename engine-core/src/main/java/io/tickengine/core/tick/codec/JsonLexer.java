package io.tickengine.core.tick.codec;

/**
 * The JSON tokens a tick reader needs: whitespace, strings (escapes and UTF-8 checked), literals, and skipping any
 * value of a field the reader does not know, nested objects and arrays included, with full syntax checks.
 *
 * <p>Methods take the body array and a position and return the position after what they read, or a negative result
 * code recorded in the {@link TickAssembler}. One instance per parser; not thread-safe.
 */
final class JsonLexer {
    /** Deepest nesting skipped inside an unknown field; bounds the recursion against hostile bodies. */
    private static final int MAX_NESTING = 32;

    static final String UNEXPECTED_END = "unexpected end of body";
    static final String UNEXPECTED_CHARACTER = "unexpected character";
    static final String BAD_NUMBER = "bad number";

    private static final String UNTERMINATED_STRING = "unterminated string";
    private static final String BAD_ESCAPE = "bad escape";
    private static final String CONTROL_CHARACTER = "control character in string";
    static final String INVALID_UTF8 = "invalid UTF-8";
    private static final String BAD_LITERAL = "bad literal";
    private static final String TOO_DEEP = "nesting too deep";
    static final String EXPECTED_FIELD_NAME = "expected field name";
    static final String EXPECTED_COLON = "expected ':'";
    static final String EXPECTED_COMMA_OR_BRACE = "expected ',' or '}'";
    static final String EXPECTED_COMMA_OR_BRACKET = "expected ',' or ']'";

    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};
    /** What a {@code \\uXXXX} escape outside ASCII decodes to: a byte no name or key may contain. */
    private static final byte NON_ASCII = (byte) 0xFF;

    private final TickAssembler ticks;
    private final JsonNumber number;
    private int stringStart;
    private int stringEnd;
    private boolean stringEscaped;

    JsonLexer(final TickAssembler ticks, final JsonNumber number) {
        this.ticks = ticks;
        this.number = number;
    }

    /** @return the first position at or after {@code pos} that is not JSON whitespace. */
    static int skipWhitespace(final byte[] bytes, final int pos, final int end) {
        int i = pos;
        while (i < end) {
            final byte b = bytes[i];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                break;
            }
            i++;
        }
        return i;
    }

    /** @return the position after {@code word} if it is at {@code pos}, else a syntax error. */
    private int literal(final byte[] bytes, final int pos, final int end, final byte[] word) {
        if (end - pos < word.length) {
            return ticks.syntax(UNEXPECTED_END, end);
        }
        for (int i = 0; i < word.length; i++) {
            if (bytes[pos + i] != word[i]) {
                return ticks.syntax(BAD_LITERAL, pos);
            }
        }
        return pos + word.length;
    }

    /** @return the position after the {@code null} literal at {@code pos}, or a syntax error. */
    int nullLiteral(final byte[] bytes, final int pos, final int end) {
        return literal(bytes, pos, end, NULL);
    }

    /** @return the position after the {@code true} or {@code false} literal at {@code pos}, or a syntax error. */
    int booleanLiteral(final byte[] bytes, final int pos, final int end) {
        return literal(bytes, pos, end, bytes[pos] == 't' ? TRUE : FALSE);
    }

    /**
     * Scans the string whose opening quote is at {@code pos}; its content is then {@link #stringStart()} to
     * {@link #stringEnd()}, raw (escapes not decoded).
     *
     * @return the position after the closing quote, or a syntax error.
     */
    int scanString(final byte[] bytes, final int pos, final int end) {
        boolean escaped = false;
        int i = pos + 1;
        while (true) {
            // The common case, printable ASCII, in a tight loop; negative bytes (>= 0x80) fall out of it too.
            while (i < end && bytes[i] >= 0x20 && bytes[i] != '"' && bytes[i] != '\\') {
                i++;
            }
            if (i >= end) {
                return ticks.syntax(UNTERMINATED_STRING, pos);
            }
            final byte b = bytes[i];
            if (b == '"') {
                stringStart = pos + 1;
                stringEnd = i;
                stringEscaped = escaped;
                return i + 1;
            }
            if (b == '\\') {
                escaped = true;
                final int next = skipEscape(bytes, i, end);
                if (next < 0) {
                    return next;
                }
                i = next;
            } else if (b >= 0) {
                return ticks.syntax(CONTROL_CHARACTER, i);
            } else {
                final int next = Utf8.skipSequence(bytes, i, end);
                if (next < 0) {
                    return ticks.syntax(INVALID_UTF8, i);
                }
                i = next;
            }
        }
    }

    int stringStart() {
        return stringStart;
    }

    int stringEnd() {
        return stringEnd;
    }

    /** @return true if the last scanned string holds an escape, so its raw bytes are not its value. */
    boolean stringEscaped() {
        return stringEscaped;
    }

    /**
     * Decodes the last scanned string into {@code target}, for the rare escaped key or name. A character outside
     * ASCII becomes a byte that no key matches and no name allows.
     *
     * @return the decoded length, or -1 if it does not fit {@code target}.
     */
    int decodeString(final byte[] bytes, final byte[] target) {
        int length = 0;
        for (int i = stringStart; i < stringEnd; i++) {
            if (length == target.length) {
                return -1;
            }
            byte b = bytes[i];
            if (b == '\\') {
                i++;
                switch (bytes[i]) {
                    case 'b':
                        b = '\b';
                        break;
                    case 'f':
                        b = '\f';
                        break;
                    case 'n':
                        b = '\n';
                        break;
                    case 'r':
                        b = '\r';
                        break;
                    case 't':
                        b = '\t';
                        break;
                    case 'u':
                        final int codePoint = (hexValue(bytes[i + 1]) << 12)
                                | (hexValue(bytes[i + 2]) << 8)
                                | (hexValue(bytes[i + 3]) << 4)
                                | hexValue(bytes[i + 4]);
                        b = codePoint < 0x80 ? (byte) codePoint : NON_ASCII;
                        i += 4;
                        break;
                    default:
                        b = bytes[i]; // \" \\ \/
                        break;
                }
            } else if (b < 0) {
                b = NON_ASCII;
            }
            target[length++] = b;
        }
        return length;
    }

    /**
     * Skips the value at {@code pos} (which must be before {@code end}), checking its syntax.
     *
     * @param nesting how many objects or arrays enclose it inside the skipped value.
     * @return the position after the value, or a syntax error.
     */
    int skipValue(final byte[] bytes, final int pos, final int end, final int nesting) {
        final byte b = bytes[pos];
        switch (b) {
            case '"':
                return scanString(bytes, pos, end);
            case '{':
                return skipObject(bytes, pos, end, nesting + 1);
            case '[':
                return skipArray(bytes, pos, end, nesting + 1);
            case 't':
            case 'f':
                return booleanLiteral(bytes, pos, end);
            case 'n':
                return nullLiteral(bytes, pos, end);
            default:
                if (b == '-' || (b >= '0' && b <= '9')) {
                    final int next = number.scan(bytes, pos, end);
                    return next >= 0 ? next : ticks.syntax(BAD_NUMBER, pos);
                }
                return ticks.syntax(b == '+' || b == '.' ? BAD_NUMBER : UNEXPECTED_CHARACTER, pos);
        }
    }

    private int skipObject(final byte[] bytes, final int pos, final int end, final int nesting) {
        if (nesting > MAX_NESTING) {
            return ticks.syntax(TOO_DEEP, pos);
        }
        int i = skipWhitespace(bytes, pos + 1, end);
        if (i < end && bytes[i] == '}') {
            return i + 1;
        }
        while (true) {
            if (i >= end) {
                return ticks.syntax(UNEXPECTED_END, end);
            }
            if (bytes[i] != '"') {
                return ticks.syntax(EXPECTED_FIELD_NAME, i);
            }
            i = scanString(bytes, i, end);
            if (i < 0) {
                return i;
            }
            i = skipWhitespace(bytes, i, end);
            if (i >= end) {
                return ticks.syntax(UNEXPECTED_END, end);
            }
            if (bytes[i] != ':') {
                return ticks.syntax(EXPECTED_COLON, i);
            }
            i = skipWhitespace(bytes, i + 1, end);
            if (i >= end) {
                return ticks.syntax(UNEXPECTED_END, end);
            }
            i = skipValue(bytes, i, end, nesting);
            if (i < 0) {
                return i;
            }
            i = skipWhitespace(bytes, i, end);
            if (i >= end) {
                return ticks.syntax(UNEXPECTED_END, end);
            }
            if (bytes[i] == '}') {
                return i + 1;
            }
            if (bytes[i] != ',') {
                return ticks.syntax(EXPECTED_COMMA_OR_BRACE, i);
            }
            i = skipWhitespace(bytes, i + 1, end);
        }
    }

    private int skipArray(final byte[] bytes, final int pos, final int end, final int nesting) {
        if (nesting > MAX_NESTING) {
            return ticks.syntax(TOO_DEEP, pos);
        }
        int i = skipWhitespace(bytes, pos + 1, end);
        if (i < end && bytes[i] == ']') {
            return i + 1;
        }
        while (true) {
            if (i >= end) {
                return ticks.syntax(UNEXPECTED_END, end);
            }
            i = skipValue(bytes, i, end, nesting);
            if (i < 0) {
                return i;
            }
            i = skipWhitespace(bytes, i, end);
            if (i >= end) {
                return ticks.syntax(UNEXPECTED_END, end);
            }
            if (bytes[i] == ']') {
                return i + 1;
            }
            if (bytes[i] != ',') {
                return ticks.syntax(EXPECTED_COMMA_OR_BRACKET, i);
            }
            i = skipWhitespace(bytes, i + 1, end);
        }
    }

    /** @return the position after the escape whose backslash is at {@code pos}, or a syntax error. */
    private int skipEscape(final byte[] bytes, final int pos, final int end) {
        if (pos + 1 >= end) {
            return ticks.syntax(UNTERMINATED_STRING, pos);
        }
        switch (bytes[pos + 1]) {
            case '"':
            case '\\':
            case '/':
            case 'b':
            case 'f':
            case 'n':
            case 'r':
            case 't':
                return pos + 2;
            case 'u':
                if (pos + 6 > end) {
                    return ticks.syntax(BAD_ESCAPE, pos);
                }
                for (int i = pos + 2; i < pos + 6; i++) {
                    if (hexValue(bytes[i]) < 0) {
                        return ticks.syntax(BAD_ESCAPE, pos);
                    }
                }
                return pos + 6;
            default:
                return ticks.syntax(BAD_ESCAPE, pos);
        }
    }

    private static int hexValue(final byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        final int lower = b | 0x20;
        return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
    }
}
