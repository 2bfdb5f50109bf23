package org.tabserve.web.pages;

import java.util.Locale;

/**
 * How much trouble one figure of a model is in, the one place the models page decides it: drift by the card's own
 * PSI words ({@code Psi.reading}, the drift the models' index reports), so that the page and the card never disagree, and errors and latency by the
 * thresholds the page's legend states.
 */
enum Severity {
    /** Nothing to act on. */
    OK,
    /** Worth a look: moderate drift, some errors, slow answers. */
    WARN,
    /** Act now: a failed model, large drift, many errors, very slow answers. */
    BAD;

    /** A share of answers of status 400 or more at or above this is a warning. */
    static final double ERRORS_WARN = 0.01;
    /** At or above this, trouble. */
    static final double ERRORS_BAD = 0.05;
    /** A p99 at or above this many milliseconds is a warning. */
    static final double P99_WARN_MS = 250;
    /** At or above this, trouble. */
    static final double P99_BAD_MS = 1000;

    /** @return the class the page puts on a figure of this severity */
    String cssClass() {
        return "sev-" + name().toLowerCase(Locale.ROOT);
    }

    /** @param reading the card's drift word: small, moderate or large (anything else is no reading yet) */
    static Severity ofDrift(String reading) {
        return switch (reading) {
            case "large" -> BAD;
            case "moderate" -> WARN;
            default -> OK;
        };
    }

    /** @return the severity of {@code errors} of {@code requests} */
    static Severity ofErrors(long errors, long requests) {
        if (requests <= 0 || errors <= 0) {
            return OK;
        }
        double share = (double) errors / requests;
        return share >= ERRORS_BAD ? BAD : share >= ERRORS_WARN ? WARN : OK;
    }

    /**
     * @param p99Ms the p99 in milliseconds, null when it is past the histogram's last bound
     * @param timed the requests it is of: none (no request, or only the model's warm-up) is no trouble
     */
    static Severity ofLatency(Double p99Ms, long timed) {
        if (timed == 0) {
            return OK;
        }
        if (p99Ms == null) {
            return BAD;
        }
        return p99Ms >= P99_BAD_MS ? BAD : p99Ms >= P99_WARN_MS ? WARN : OK;
    }

    /** @return the model's state as a severity: failed is trouble, loading and unloading a warning */
    static Severity ofState(String pageState) {
        return switch (pageState) {
            case "loaded" -> OK;
            case "failed" -> BAD;
            default -> WARN;
        };
    }

    /** @return the worse of the two */
    Severity worse(Severity other) {
        return compareTo(other) >= 0 ? this : other;
    }
}
