package io.tickengine.bench.host;

import io.tickengine.bench.Args;
import io.tickengine.core.os.Posix;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * How late the host wakes a thread that sleeps briefly: one thread parks {@code --park-us} (20) at a time, with the
 * timer slack the load generator's fixed-rate loop uses (1 us), for {@code --seconds} (5), and reports by how much each
 * park overslept. Run on an otherwise idle machine, it is the floor under any latency percentile measured there: a
 * host that takes a vCPU away for milliseconds shows it here first, whatever server runs. {@code compare.sh} writes its
 * line into each run's header.
 *
 * <pre>
 *   tick-bench jitter [--seconds 5] [--park-us 20]
 *   timer:   a 20 us park overslept p50 52 / p99 71 / p99.9 480 / max 3,510 us (94,210 parks in 5 s; 31 over 1 ms)
 * </pre>
 */
public final class TimerJitter {
    private static final long SLACK_NS = 1_000;

    private TimerJitter() {}

    public static void run(final Args args) {
        final int seconds = args.getInt("seconds", 5);
        final int parkUs = args.getInt("park-us", 20);
        if (seconds < 1 || parkUs < 1) {
            System.err.println("jitter: --seconds and --park-us must be at least 1 [seconds=" + seconds + ", parkUs="
                    + parkUs + "]");
            System.exit(2);
        }
        System.out.println(measure(TimeUnit.SECONDS.toNanos(seconds), TimeUnit.MICROSECONDS.toNanos(parkUs)));
    }

    /** @return the report line of parks of {@code parkNs} for {@code durationNs}. */
    static String measure(final long durationNs, final long parkNs) {
        Posix.setTimerSlackOfCurrentThread(SLACK_NS);
        final Histogram oversleep = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        long overOneMs = 0;
        final long startNs = System.nanoTime();
        long nowNs = startNs;
        while (nowNs - startNs < durationNs) {
            LockSupport.parkNanos(parkNs);
            final long afterNs = System.nanoTime();
            final long lateNs = Math.max(0, afterNs - nowNs - parkNs);
            oversleep.recordValue(Math.min(lateNs, oversleep.getHighestTrackableValue()));
            if (lateNs > 1_000_000) {
                overOneMs++;
            }
            nowNs = afterNs;
        }
        return String.format(
                Locale.ROOT,
                "timer:   a %,d us park overslept p50 %,d / p99 %,d / p99.9 %,d / max %,d us (%,d parks in %d s; %,d over"
                        + " 1 ms)",
                parkNs / 1_000,
                oversleep.getValueAtPercentile(50) / 1_000,
                oversleep.getValueAtPercentile(99) / 1_000,
                oversleep.getValueAtPercentile(99.9) / 1_000,
                oversleep.getMaxValue() / 1_000,
                oversleep.getTotalCount(),
                TimeUnit.NANOSECONDS.toSeconds(durationNs),
                overOneMs);
    }
}
