package org.tabserve.launcher;

/**
 * Presets Jetty's {@code MemoryUtils} answer of how many object references fill a cache line, which Jetty would
 * otherwise work out by starting the platform MBean server.
 */
final class CacheLineReferences {

    /** Jetty's {@code MemoryUtils} setting: how many object references fill a cache line (padding of its queues). */
    static final String REFERENCES_PER_CACHE_LINE = "org.eclipse.jetty.util.referencesPerCacheLine";
    /** Jetty's {@code MemoryUtils} setting that the answer is worked out from (64 unless set). */
    private static final String CACHE_LINE_BYTES = "org.eclipse.jetty.util.cacheLineBytes";

    private CacheLineReferences() {}

    /**
     * Gives Jetty the number of references per cache line that it would work out itself (the cache line's bytes over
     * 4 with compressed oops, over 8 without), unless the operator set it. Without it, Jetty's {@code MemoryUtils} asks
     * the platform MBean server whether oops are compressed: starting that server registers every platform MXBean,
     * some 180 classes and about 0.1 s of each start (bench/RESULTS.notes.md, "Issue 25, goal 5"). The diagnostic
     * MXBean alone gives the same answer without the server.
     */
    static void preset() {
        if (System.getProperty(REFERENCES_PER_CACHE_LINE) != null) {
            return;
        }
        int cacheLineBytes = Integer.getInteger(CACHE_LINE_BYTES, 64);
        boolean compressedOops;
        try {
            compressedOops = Boolean.parseBoolean(java.lang.management.ManagementFactory.getPlatformMXBean(
                            com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption("UseCompressedOops")
                    .getValue());
        } catch (RuntimeException e) {
            return; // not HotSpot, or no such option: Jetty works it out (or falls back) itself
        }
        int references = cacheLineBytes / (compressedOops ? Integer.BYTES : Long.BYTES);
        if (references >= 1) {
            System.setProperty(REFERENCES_PER_CACHE_LINE, Integer.toString(references));
        }
    }
}
