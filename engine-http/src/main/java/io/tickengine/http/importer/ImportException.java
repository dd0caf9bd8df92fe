package io.tickengine.http.importer;

import java.nio.file.Path;

/**
 * A file that cannot be imported: an unknown header, a line that does not parse or a tick or bar that fails
 * validation. Names the file, the line (1 is the header, 0 for the file as a whole), the field, the offending value
 * and the reason, e.g. {@code bad tick [file=x.csv, line=17, field=bid, value=abc, reason=not a number]}.
 */
public final class ImportException extends Exception {
    private static final int MAX_VALUE_CHARS = 40;

    private final Path file;
    private final long line;
    private final String field;
    private final String value;
    private final String reason;

    /**
     * @param what what is wrong in one or two words: {@code bad tick}, {@code bad bar}, {@code bad header}.
     * @param field the column, or {@code null} when the whole line or file is at fault.
     * @param value the offending text, or {@code null}; long values are shortened in the message.
     */
    public ImportException(
            final String what,
            final Path file,
            final long line,
            final String field,
            final String value,
            final String reason) {
        super(message(what, file, line, field, value, reason));
        this.file = file;
        this.line = line;
        this.field = field;
        this.value = value;
        this.reason = reason;
    }

    /** @return the file being read. */
    public Path file() {
        return file;
    }

    /** @return the 1-based line number (1 is the header), or 0 when the file as a whole is at fault. */
    public long line() {
        return line;
    }

    /** @return the column at fault, or {@code null}. */
    public String field() {
        return field;
    }

    /** @return the offending text, or {@code null}. */
    public String value() {
        return value;
    }

    /** @return why the value was refused. */
    public String reason() {
        return reason;
    }

    private static String message(
            final String what,
            final Path file,
            final long line,
            final String field,
            final String value,
            final String reason) {
        final StringBuilder sb = new StringBuilder(what).append(" [file=").append(file.getFileName());
        if (line > 0) {
            sb.append(", line=").append(line);
        }
        if (field != null) {
            sb.append(", field=").append(field);
        }
        if (value != null) {
            sb.append(", value=")
                    .append(value.length() > MAX_VALUE_CHARS ? value.substring(0, MAX_VALUE_CHARS) + "..." : value);
        }
        return sb.append(", reason=").append(reason).append(']').toString();
    }
}
