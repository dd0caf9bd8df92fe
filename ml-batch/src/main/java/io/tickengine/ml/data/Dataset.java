package io.tickengine.ml.data;

import io.tickengine.ml.MlException;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rows of features (and, for training data, labels) in time order: what {@code prepare} writes as CSV and
 * {@code train}/{@code evaluate} read back. Columns are those of the store's views, in the views' order; the CSV header
 * is {@code time_msc,symbol,<features>,label}. Values are written with {@link Double#toString(double)}, which reads
 * back to the same double, so a CSV holds exactly what the view returned.
 *
 * <p>Features are one row-major array ({@code rows × features().size()}), the layout the model takes.
 */
public final class Dataset {
    /** The label of a row without one (the last bars of a symbol, or rows read for prediction). */
    public static final int NO_LABEL = Integer.MIN_VALUE;

    private final List<String> features;
    private final long[] timeMsc;
    private final String[] symbols;
    private final double[] values;
    private final int[] labels;

    public Dataset(
            final List<String> features,
            final long[] timeMsc,
            final String[] symbols,
            final double[] values,
            final int[] labels) {
        if (timeMsc.length != symbols.length
                || timeMsc.length != labels.length
                || values.length != timeMsc.length * features.size()) {
            throw new IllegalArgumentException("dataset arrays disagree [rows=" + timeMsc.length + ", values="
                    + values.length + ", features=" + features.size() + "]");
        }
        this.features = List.copyOf(features);
        this.timeMsc = timeMsc;
        this.symbols = symbols;
        this.values = values;
        this.labels = labels;
    }

    public List<String> features() {
        return features;
    }

    public int rows() {
        return timeMsc.length;
    }

    public long timeMsc(final int row) {
        return timeMsc[row];
    }

    public String symbol(final int row) {
        return symbols[row];
    }

    public double value(final int row, final int feature) {
        return values[row * features.size() + feature];
    }

    /** @return the row-major feature values (not a copy). */
    public double[] values() {
        return values;
    }

    public int label(final int row) {
        return labels[row];
    }

    /** @return the rows {@code [from, to)} as a dataset sharing nothing with this one. */
    public Dataset slice(final int from, final int to) {
        final int f = features.size();
        return new Dataset(
                features,
                Arrays.copyOfRange(timeMsc, from, to),
                Arrays.copyOfRange(symbols, from, to),
                Arrays.copyOfRange(values, from * f, to * f),
                Arrays.copyOfRange(labels, from, to));
    }

    /** @return the index of the first row at or after {@code timeMsc} ({@link #rows()} if none). */
    public int firstRowAtOrAfter(final long time) {
        int lo = 0;
        int hi = timeMsc.length;
        while (lo < hi) {
            final int mid = (lo + hi) >>> 1;
            if (timeMsc[mid] < time) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * The signed forward return of each row over {@code horizon} rows, read from {@code ret_<horizon>} of the row
     * {@code horizon} rows later of the same symbol: {@code ret_5} of bar t+5 is ln(c[t+5]/c[t]), exactly the
     * {@code fwd_ret_5} of {@code labels_m1}, since both count bars. NaN where that row is not in the dataset.
     */
    public double[] forwardReturns(final int horizon) {
        final int column = features.indexOf("ret_" + horizon);
        final double[] forward = new double[rows()];
        Arrays.fill(forward, Double.NaN);
        if (column < 0) {
            return forward;
        }
        for (int i = 0; i + horizon < rows(); i++) {
            if (symbols[i].equals(symbols[i + horizon])) {
                forward[i] = value(i + horizon, column);
            }
        }
        return forward;
    }

    /** Writes {@code time_msc,symbol,<features>,label}. */
    public void writeCsv(final Path file) {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("time_msc,symbol," + String.join(",", features) + ",label\n");
            final StringBuilder line = new StringBuilder(256);
            for (int r = 0; r < rows(); r++) {
                line.setLength(0);
                line.append(timeMsc[r]).append(',').append(symbols[r]);
                for (int f = 0; f < features.size(); f++) {
                    line.append(',').append(value(r, f));
                }
                line.append(',');
                if (labels[r] != NO_LABEL) {
                    line.append(labels[r]);
                }
                out.append(line).append('\n');
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write the dataset [file=" + file + "]", e);
        }
    }

    /** Reads a CSV that {@link #writeCsv} wrote; a malformed file is an {@link MlException} naming line and column. */
    public static Dataset readCsv(final Path file) {
        if (!Files.isRegularFile(file)) {
            throw new MlException("no such dataset [file=" + file + "]");
        }
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            final String header = in.readLine();
            if (header == null) {
                throw new MlException("empty dataset [file=" + file + "]");
            }
            final List<String> columns = List.of(header.strip().split(",", -1));
            if (columns.size() < 4
                    || !columns.get(0).equals("time_msc")
                    || !columns.get(1).equals("symbol")
                    || !columns.get(columns.size() - 1).equals("label")) {
                throw new MlException("not a dataset header [file=" + file + ", header=" + header
                        + ", expected=time_msc,symbol,<features>,label]");
            }
            final List<String> features = columns.subList(2, columns.size() - 1);
            final int f = features.size();
            final List<String> symbols = new ArrayList<>();
            double[] values = new double[1024 * f];
            int[] labels = new int[1024];
            long[] timeMsc = new long[1024];
            int rows = 0;
            String line;
            int lineNo = 1;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isEmpty()) {
                    continue;
                }
                final String[] cells = line.split(",", -1);
                if (cells.length != columns.size()) {
                    throw new MlException("wrong number of cells [file=" + file + ", line=" + lineNo + ", cells="
                            + cells.length + ", expected=" + columns.size() + "]");
                }
                if (rows == timeMsc.length) {
                    timeMsc = Arrays.copyOf(timeMsc, rows * 2);
                    labels = Arrays.copyOf(labels, rows * 2);
                    values = Arrays.copyOf(values, rows * 2 * f);
                }
                int c = 0;
                try {
                    timeMsc[rows] = Long.parseLong(cells[c++]);
                    symbols.add(cells[c++]);
                    for (int i = 0; i < f; i++) {
                        values[rows * f + i] = cells[c].isEmpty() ? Double.NaN : Double.parseDouble(cells[c]);
                        c++;
                    }
                    labels[rows] = cells[c].isEmpty() ? NO_LABEL : Integer.parseInt(cells[c]);
                } catch (final NumberFormatException e) {
                    throw new MlException("bad number [file=" + file + ", line=" + lineNo + ", column=" + columns.get(c)
                            + ", value=" + cells[c] + "]");
                }
                rows++;
            }
            return new Dataset(
                    features,
                    Arrays.copyOf(timeMsc, rows),
                    symbols.toArray(new String[0]),
                    Arrays.copyOf(values, rows * f),
                    Arrays.copyOf(labels, rows));
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read the dataset [file=" + file + "]", e);
        }
    }
}
