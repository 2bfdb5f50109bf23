package org.tabserve.repository.s3;

import org.tabserve.repository.SkippedEntry;

/**
 * A path's last download refused, as a mirror tells it: the signature it was tried at (its ETag and its digest's; empty
 * to try again at the next poll), why, and whether it was abandoned as too slow.
 */
record MirrorFailure(String signature, SkippedEntry entry, boolean abandoned) {
    MirrorFailure(String signature, SkippedEntry entry) {
        this(signature, entry, false);
    }
}
