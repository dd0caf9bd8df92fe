package io.tickengine.ml.cli;

import io.tickengine.ml.signal.Predictor;
import picocli.CommandLine.Option;

/** What a published signal carries: {@code --size}, {@code --valid-ms}. */
public final class SignalOptions {
    @Option(names = "--size", defaultValue = "0.01", description = "lots per signal (default ${DEFAULT-VALUE})")
    double size;

    @Option(
            names = "--valid-ms",
            defaultValue = "300000",
            description = "a signal is deliverable until this long after its bar closed (default ${DEFAULT-VALUE})")
    long validMs;

    Predictor.Options at(final long nowMsc) {
        return new Predictor.Options(size, validMs, nowMsc);
    }
}
