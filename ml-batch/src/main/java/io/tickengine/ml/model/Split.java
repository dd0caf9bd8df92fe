package io.tickengine.ml.model;

import io.tickengine.ml.MlException;
import io.tickengine.ml.data.Dataset;
import io.tickengine.ml.data.FeatureView;

/**
 * A time-ordered train/test split at a bar open time, purged: a label looks {@value FeatureView#LABEL_HORIZON_BARS}
 * bars ahead, so the last training rows' labels are built from closes of the test period; those rows are dropped
 * ({@code docs/features.md}).
 *
 * @param train rows before {@code testFromMsc}, without the purged ones.
 * @param test rows at or after {@code testFromMsc}.
 */
public record Split(Dataset train, Dataset test) {
    /**
     * Splits a dataset of one symbol in time order.
     *
     * @throws MlException when either side is empty.
     */
    public static Split at(final Dataset data, final long testFromMsc) {
        for (int r = 1; r < data.rows(); r++) {
            if (data.timeMsc(r) <= data.timeMsc(r - 1)) {
                throw new MlException("dataset not in time order, or of several symbols [row=" + r + ", time_msc="
                        + data.timeMsc(r) + ", previous_msc=" + data.timeMsc(r - 1) + "]");
            }
        }
        final int testStart = data.firstRowAtOrAfter(testFromMsc);
        final int trainEnd = Math.max(0, testStart - FeatureView.LABEL_HORIZON_BARS);
        if (trainEnd == 0 || testStart == data.rows()) {
            throw new MlException("the split leaves one side empty [test_from_msc=" + testFromMsc + ", rows="
                    + data.rows() + ", train_rows=" + trainEnd + ", test_rows=" + (data.rows() - testStart)
                    + (data.rows() == 0
                            ? ""
                            : ", first_msc=" + data.timeMsc(0) + ", last_msc=" + data.timeMsc(data.rows() - 1))
                    + "]");
        }
        return new Split(data.slice(0, trainEnd), data.slice(testStart, data.rows()));
    }
}
