package io.tickengine.ml;

/**
 * Bad input to an ML job (too few bars, unknown symbol, a dataset that does not fit the model card, a model directory
 * of another version): the message names what is wrong in {@code [key=value]} form. The CLI prints it and exits 2;
 * {@code /predict} maps {@link NoCandles} to 404 and {@link TooFewBars} to 409.
 */
public class MlException extends RuntimeException {
    public MlException(final String message) {
        super(message);
    }

    public MlException(final String message, final Throwable cause) {
        super(message, cause);
    }

    /** The store holds no M1 candles of the symbol. */
    public static final class NoCandles extends MlException {
        public NoCandles(final String message) {
            super(message);
        }
    }

    /** The symbol has candles, but not enough for every feature of the bar asked for. */
    public static final class TooFewBars extends MlException {
        public TooFewBars(final String message) {
            super(message);
        }
    }
}
