package org.tabserve.model.live;

/** How an input is compared with its training profile. */
public enum LiveKind {
    /** A number on the card's histogram bins, with values below the first edge or above the last out of range. */
    HISTOGRAM,
    /**
     * A value among the card's category counts (or an integer among the model's categories); one the card has not
     * seen is unknown.
     */
    CATEGORIES,
    /** The card has no profile of this input: only its missing values are counted. */
    NONE
}
