package org.tabserve.repository;

/**
 * A served model version's name and number as a hash key for the counters kept per version (statistics, live profiles,
 * answers kept for labels), with no check of the name, which the repository made when it loaded the version.
 *
 * @param name    the model's name
 * @param version its version
 */
public record VersionKey(String name, long version) {

    // Written out: the record's own equals and hashCode go through method handles that C2 did not inline at the
    // depth a request's counters reach (they look a key up four times a request; JFR showed DirectMethodHandle frames).
    @Override
    public boolean equals(Object other) {
        return other instanceof VersionKey key && key.version == version && key.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Long.hashCode(version);
    }
}
