package org.tabserve.model.explain;

/**
 * Sees each model call an explanation makes before it is made, on the explaining thread: to count the rows
 * evaluated, and to stop the explanation (by throwing, e.g. {@link java.util.concurrent.CancellationException})
 * when whoever asked for it no longer wants it.
 */
@FunctionalInterface
public interface ExplanationMeter {
    /** A meter that neither counts nor stops. */
    ExplanationMeter NONE = modelRows -> {};

    /** @param modelRows the rows the next model call evaluates */
    void beforeCall(int modelRows);
}
