package io.tickengine.core.tick.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Numbers follow the JSON grammar and convert exactly as {@code Double.parseDouble} and {@code Long.parseLong}. */
class JsonNumberTest {
    private final JsonNumber number = new JsonNumber();

    @ParameterizedTest
    @ValueSource(
            strings = {
                "0",
                "-0",
                "0.0",
                "-0.0",
                "1",
                "-1",
                "0.1",
                "0.2",
                "0.3",
                "1.14273",
                "24849.4",
                "1e22",
                "1e23",
                "9007199254740992",
                "9007199254740993",
                "4.9e-324",
                "2.2250738585072014E-308",
                "1.7976931348623157e308",
                "1e-400",
                "1e400",
                "0e999",
                "123456789012345678901234567890",
                "0.000000000000000000000000001",
                "1.00000000000000000000000000000000001",
                "3.141592653589793238462643383279",
                "1E+2",
                "1e-2"
            })
    void shouldConvertLikeParseDouble(final String text) {
        assertEquals(Double.parseDouble(text), toDouble(text), text);
    }

    @Test
    void shouldConvertRandomDecimalsLikeParseDouble() {
        final SplittableRandom random = new SplittableRandom(20260713);
        for (int i = 0; i < 200_000; i++) {
            final String text = randomNumber(random);
            assertEquals(Double.parseDouble(text), toDouble(text), text);
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "0",
                "-0",
                "1783944000093",
                "9223372036854775807",
                "-9223372036854775808",
                "1000000000000000000000"
            })
    void shouldReadIntegersLikeParseLong(final String text) {
        scanWhole(text);

        assertTrue(number.isInteger());
        if (text.length() > 20) {
            assertTrue(number.longOverflow());
        } else {
            assertFalse(number.longOverflow());
            assertEquals(Long.parseLong(text), number.longValue());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775808", "-9223372036854775809", "99999999999999999999"})
    void shouldReportLongOverflow(final String text) {
        scanWhole(text);

        assertTrue(number.longOverflow());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0", "1e3", "1E0", "-0.0"})
    void shouldNotTakeFractionsOrExponentsForIntegers(final String text) {
        scanWhole(text);

        assertFalse(number.isInteger());
    }

    @ParameterizedTest
    @ValueSource(strings = {"01", "-01", "+1", ".5", "1.", "1e", "1e+", "-", "", "1.5.2", "0x1", "1ee2", "--1", "1f"})
    void shouldRejectTextOutsideTheJsonGrammar(final String text) {
        final byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);

        assertEquals(JsonNumber.NOT_A_NUMBER, number.scan(bytes, 0, bytes.length));
    }

    private double toDouble(final String text) {
        scanWhole(text);
        return number.toDouble();
    }

    private void scanWhole(final String text) {
        final byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        assertEquals(bytes.length, number.scan(bytes, 0, bytes.length), text);
    }

    /** @return a JSON number with 1 to 25 digits, maybe a fraction and an exponent: fast and slow paths both. */
    private static String randomNumber(final SplittableRandom random) {
        final StringBuilder text = new StringBuilder();
        if (random.nextBoolean()) {
            text.append('-');
        }
        final int digits = 1 + random.nextInt(random.nextInt(4) == 0 ? 25 : 17);
        final int point = random.nextInt(digits + 1);
        final StringBuilder significand = new StringBuilder();
        for (int i = 0; i < digits; i++) {
            significand.append((char) ('0' + random.nextInt(10)));
        }
        String integerPart = significand.substring(0, point).replaceFirst("^0+(?=.)", "");
        if (integerPart.isEmpty()) {
            integerPart = "0";
        }
        text.append(integerPart);
        if (point < digits) {
            text.append('.').append(significand, point, digits);
        }
        if (random.nextInt(3) == 0) {
            text.append(random.nextBoolean() ? 'e' : 'E');
            text.append(random.nextBoolean() ? "-" : random.nextBoolean() ? "+" : "");
            text.append(random.nextInt(random.nextBoolean() ? 30 : 330));
        }
        return text.toString();
    }
}
