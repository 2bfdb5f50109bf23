/**
 * What a served model version has scored, per input, on its card's training profile, and how far it has drifted from
 * it ({@link org.tabserve.model.live.LiveProfile}).
 *
 * <p>What a served version has scored per input on its card's training profile ({@code LiveProfile}, one
 * {@code LiveColumn} per input, compared as its {@code LiveKind} says, counted in {@code LiveCounts}) and how far it
 * drifted ({@code Psi}). Stands on {@code card} and {@code signature}.
 */
package org.tabserve.model.live;
