package org.tabserve.model.trees.lightgbm;

import java.nio.charset.StandardCharsets;
import org.tabserve.model.trees.ForestFormatException;

/**
 * The numbers of a LightGBM text model, parsed strictly from a range of the file's bytes: space-separated decimal
 * tokens (an optional minus, digits, an optional fraction and exponent), each checked against the count its field is
 * said to hold before an array is allocated. Doubles round as {@code strtod} does (LightGBM's precise parser for the
 * fields that answer); its fast legacy parser is kept for the one number it reads with it ({@link #legacyAtof}).
 */
final class TextNumbers {

    private static final int MAX_TOKEN = 64;

    private TextNumbers() {}

    /** @return how many space-separated tokens bytes {@code from} to {@code to} hold */
    static int count(byte[] b, int from, int to) {
        int n = 0;
        int i = from;
        while (i < to) {
            while (i < to && b[i] == ' ') {
                i++;
            }
            if (i < to) {
                n++;
                while (i < to && b[i] != ' ') {
                    i++;
                }
            }
        }
        return n;
    }

    /**
     * @param infinite whether {@code inf} and {@code -inf} are allowed (LightGBM writes them as thresholds)
     * @param count    the field that says how many values there are, for a refusal
     * @return exactly {@code n} doubles, never NaN, or a refusal naming {@code field}
     */
    static double[] doubles(byte[] b, int from, int to, int n, String field, boolean infinite, String count) {
        double[] out = new double[n];
        tokens(
                b,
                from,
                to,
                n,
                field,
                count,
                (k, s, e) -> out[k] = infinite && isInfinity(b, s, e)
                        ? (b[s] == '-' ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY)
                        : parseDouble(b, s, e, field));
        return out;
    }

    /** @return exactly {@code n} ints, or a refusal naming {@code field} */
    static int[] ints(byte[] b, int from, int to, int n, String field, String count) {
        int[] out = new int[n];
        tokens(b, from, to, n, field, count, (k, s, e) -> out[k] = parseInt(b, s, e, field));
        return out;
    }

    /** What is read from token {@code k}, bytes {@code s} to {@code e}. */
    private interface Token {
        void read(int k, int s, int e);
    }

    /** Hands each of exactly {@code n} space-separated tokens to {@code token}, or refuses naming {@code field}. */
    private static void tokens(byte[] b, int from, int to, int n, String field, String count, Token token) {
        int i = from;
        for (int k = 0; k < n; k++) {
            while (i < to && b[i] == ' ') {
                i++;
            }
            if (i >= to) {
                throw new ForestFormatException(field + " holds fewer values than " + count + " says");
            }
            int s = i;
            while (i < to && b[i] != ' ') {
                i++;
            }
            token.read(k, s, i);
        }
        rest(b, i, to, field, count);
    }

    private static boolean isInfinity(byte[] b, int s, int e) {
        int from = b[s] == '-' ? s + 1 : s;
        return e - from == 3 && b[from] == 'i' && b[from + 1] == 'n' && b[from + 2] == 'f';
    }

    private static void rest(byte[] b, int i, int to, String field, String count) {
        for (; i < to; i++) {
            if (b[i] != ' ') {
                throw new ForestFormatException(field + " holds more values than " + count + " says");
            }
        }
    }

    /** @return one int, strictly: an optional minus and at most ten digits within int's range */
    static int parseInt(byte[] b, int from, int to, String field) {
        int i = from;
        boolean negative = i < to && b[i] == '-';
        if (negative) {
            i++;
        }
        if (i >= to || to - i > 10) {
            throw new ForestFormatException(field + " holds a value that is not a whole number");
        }
        long v = 0;
        for (; i < to; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                throw new ForestFormatException(field + " holds a value that is not a whole number");
            }
            v = v * 10 + d;
        }
        v = negative ? -v : v;
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new ForestFormatException(field + " holds a whole number out of range");
        }
        return (int) v;
    }

    /** @return one int from text */
    static int parseInt(String text, String field) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        return parseInt(b, 0, b.length, field);
    }

    /** @return one finite double, strictly decimal: no {@code nan}, {@code inf}, hex or padding */
    static double parseDouble(byte[] b, int from, int to, String field) {
        if (to - from > MAX_TOKEN) {
            throw new ForestFormatException(field + " holds a number longer than " + MAX_TOKEN + " characters");
        }
        int i = from;
        if (i < to && b[i] == '-') {
            i++;
        }
        int digits = 0;
        while (i < to && isDigit(b[i])) {
            i++;
            digits++;
        }
        if (i < to && b[i] == '.') {
            i++;
            while (i < to && isDigit(b[i])) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            throw new ForestFormatException(field + " holds a value that is not a finite decimal number");
        }
        if (i < to && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < to && (b[i] == '-' || b[i] == '+')) {
                i++;
            }
            int e = 0;
            while (i < to && isDigit(b[i])) {
                i++;
                e++;
            }
            if (e == 0) {
                throw new ForestFormatException(field + " holds a value that is not a finite decimal number");
            }
        }
        if (i != to) {
            throw new ForestFormatException(field + " holds a value that is not a finite decimal number");
        }
        double v = Double.parseDouble(new String(b, from, to - from, StandardCharsets.US_ASCII));
        if (!Double.isFinite(v)) {
            throw new ForestFormatException(field + " holds a number too large for a double");
        }
        return v;
    }

    /** @return one double from text, strictly */
    static double parseDouble(String text, String field) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        return parseDouble(b, 0, b.length, field);
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    /**
     * LightGBM's {@code Common::Atof}, by which it reads an objective's {@code sigmoid:}: the digits before and after
     * the point summed as doubles, the fraction divided by its power of ten, the exponent applied by steps. Its
     * rounding differs from {@code strtod}'s for some texts; the text must already be a strict decimal.
     */
    static double legacyAtof(String text, String field) {
        parseDouble(text, field);
        int i = 0;
        double sign = 1.0;
        if (text.charAt(i) == '-') {
            sign = -1.0;
            i++;
        }
        double value = 0.0;
        for (; i < text.length() && Character.isDigit(text.charAt(i)); i++) {
            value = value * 10.0 + (text.charAt(i) - '0');
        }
        if (i < text.length() && text.charAt(i) == '.') {
            double right = 0.0;
            int nn = 0;
            for (i++; i < text.length() && Character.isDigit(text.charAt(i)); i++) {
                right = (text.charAt(i) - '0') + right * 10.0;
                nn++;
            }
            value += right / legacyPow(10.0, nn);
        }
        boolean divide = false;
        double scale = 1.0;
        if (i < text.length()) {
            i++;
            if (text.charAt(i) == '-') {
                divide = true;
                i++;
            } else if (text.charAt(i) == '+') {
                i++;
            }
            long expon = 0;
            for (; i < text.length(); i++) {
                expon = Math.min(expon * 10 + (text.charAt(i) - '0'), 100_000);
            }
            expon = Math.min(expon, 308);
            for (; expon >= 50; expon -= 50) {
                scale *= 1E50;
            }
            for (; expon >= 8; expon -= 8) {
                scale *= 1E8;
            }
            for (; expon > 0; expon--) {
                scale *= 10.0;
            }
        }
        return sign * (divide ? value / scale : value * scale);
    }

    /** LightGBM's {@code Common::Pow}: squares and cubes by halving and thirding the power. */
    private static double legacyPow(double base, int power) {
        if (power == 0) {
            return 1;
        } else if (power % 2 == 0) {
            return legacyPow(base * base, power / 2);
        } else if (power % 3 == 0) {
            return legacyPow(base * base * base, power / 3);
        }
        return base * legacyPow(base, power - 1);
    }
}
