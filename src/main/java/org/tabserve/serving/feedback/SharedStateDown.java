package org.tabserve.serving.feedback;

/**
 * The fleet's shared store of answers kept for labels did not answer in time: labels are refused, saying so (a 503
 * with the reason); answers are served all the same, without being kept.
 */
public final class SharedStateDown extends RuntimeException {

    /** @param message what failed, in words, naming the store without its password */
    public SharedStateDown(String message) {
        super(message, null, false, false);
    }
}
