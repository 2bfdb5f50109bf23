package org.tabserve.repository.s3;

import java.time.Duration;
import org.tabserve.outbound.ReadBound;

/**
 * How long a model store's reads may take and how slowly their bytes may arrive: a listing page, a HEAD or a
 * {@code .sha256} at most {@link #readDeadline} in all; an object's download at most {@link #downloadDeadline} in
 * all, and after {@link ReadBound#DEFAULT_GRACE} no slower on average than {@link #minBytesPerSecond}. A read past
 * them is abandoned, said in words naming the setting, and counted.
 *
 * @param readDeadline      {@value #READ_DEADLINE}: a listing page, a HEAD, a digest, from the request to its last byte
 * @param downloadDeadline  {@value #DOWNLOAD_DEADLINE}: one object's download, from the request to its last byte
 * @param minBytesPerSecond {@value #MIN_READ_RATE}: the slowest average rate of an object's download; 0: none
 */
public record StoreReads(Duration readDeadline, Duration downloadDeadline, long minBytesPerSecond) {

    /** Setting (env {@code TABSERVE_STORE_READ_DEADLINE}): seconds a listing page, a HEAD or a digest may take. */
    public static final String READ_DEADLINE = "tabserve.store-read-deadline";
    /** Setting (env {@code TABSERVE_STORE_DOWNLOAD_DEADLINE}): seconds one object's download may take in all. */
    public static final String DOWNLOAD_DEADLINE = "tabserve.store-download-deadline";
    /** Setting (env {@code TABSERVE_STORE_MIN_READ_RATE}): the slowest average bytes a second of a download. */
    public static final String MIN_READ_RATE = "tabserve.store-min-read-rate";

    /**
     * 30 s for a listing page (at most 1,000 keys, some 300 KB) or a digest; 30 min for an object, in which the largest
     * model (2 GiB) arrives at 1.2 MB/s; 64 KiB/s, below which a 2 GiB model would take 9 hours.
     */
    public static final StoreReads DEFAULTS = new StoreReads(Duration.ofSeconds(30), Duration.ofMinutes(30), 64 * 1024);

    /** @return the bound of a listing page (its count shared with {@link #head} and {@link #digest}) */
    ReadBound listing() {
        return new ReadBound(
                "a listing of the model store", readDeadline, READ_DEADLINE, 0, MIN_READ_RATE, ReadBound.DEFAULT_GRACE);
    }

    /** @return the bound of an object's download */
    ReadBound download() {
        return new ReadBound(
                "the object's download",
                downloadDeadline,
                DOWNLOAD_DEADLINE,
                minBytesPerSecond,
                MIN_READ_RATE,
                ReadBound.DEFAULT_GRACE);
    }
}
