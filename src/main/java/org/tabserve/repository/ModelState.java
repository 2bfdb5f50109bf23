package org.tabserve.repository;

/** Where one model version is in its life, named as MLServer's and KServe's repository index name the states. */
public enum ModelState {
    /** Being loaded for the first time (a reload keeps the served version {@link #READY}). */
    LOADING,
    /** Serving. */
    READY,
    /** Could not be loaded (or not within {@code --max-models}); the status says why. */
    UNAVAILABLE,
    /** Removed: takes no new requests, and its session closes once the requests still using it are done. */
    UNLOADING
}
