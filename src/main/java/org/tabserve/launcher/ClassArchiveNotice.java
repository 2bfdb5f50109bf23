package org.tabserve.launcher;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The one line that says a class archive given with {@code -XX:SharedArchiveFile} was not found: Java 17 then starts
 * silently with no class sharing at all, not even the JDK's own archive, about a quarter more CPU to the ready line
 * than with neither (bench/RESULTS.notes.md, "Start to ready (issue 53, item 4)"). An archive that is found but was
 * made for another WAR or JDK the JVM reports itself, in one warning, and keeps the JDK's archive. An archive that is
 * mapped (given with {@code -XX:SharedArchiveFile}, or with Java 24's {@code -XX:AOTCache}) but that someone other than
 * the server's user (or root) could rewrite is named too: the JVM maps it for its
 * whole life, and a copy over it in place ends the server with SIGBUS at its next request (it must be replaced by a
 * rename, as {@code deploy/war-cds-archive.sh} does, and is best read-only).
 */
final class ClassArchiveNotice {

    /** The JVM's {@code java.vm.info} says this while it maps a class archive. */
    static final String SHARING = "sharing";

    private ClassArchiveNotice() {}

    /**
     * @param archive the {@code SharedArchiveFile} option as given, or empty when the JVM's default applies or sharing
     *     was switched off ({@code -Xshare:off})
     * @param vmInfo  the {@code java.vm.info} property
     * @return the line to print, when an archive was asked for and none is mapped
     */
    static Optional<String> of(Optional<String> archive, String vmInfo) {
        if (archive.isEmpty() || (vmInfo != null && vmInfo.contains(SHARING))) {
            return Optional.empty();
        }
        return Optional.of("the class archive " + archive.get() + " was not found, so the JVM shares no classes and"
                + " starts slower (`mvn package` writes target/tabserve.jsa; deploy/war-cds-archive.sh makes one for"
                + " another WAR); starting without it");
    }

    /**
     * @param archive the archive mapped
     * @param me      the server's user id
     * @return the line to print when the archive belongs to another user than {@code me} or root, or others may
     *     write to it; empty when neither, or when it cannot be read
     */
    static Optional<String> ofMapped(Path archive, int me) {
        int owner;
        int mode;
        try {
            owner = (Integer) Files.getAttribute(archive, "unix:uid");
            mode = (Integer) Files.getAttribute(archive, "unix:mode");
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        String who = owner != me && owner != 0 ? "belongs to another user (uid " + owner + ")" : null;
        String writers = (mode & 0022) != 0 ? String.format("others may write to it (mode %04o)", mode & 07777) : null;
        if (who == null && writers == null) {
            return Optional.empty();
        }
        return Optional.of("the class archive " + archive + " " + (who != null ? who : writers)
                + (who != null && writers != null ? " and " + writers : "")
                + ": this JVM maps it until it exits, and a copy written over it ends the server at its next request;"
                + " keep it the server user's, read-only, and replace it by a rename (deploy/war-cds-archive.sh)");
    }

    /**
     * @return whether class sharing was switched off ({@code -Xshare:off}): Java 17 says so in its
     *     {@code UseSharedSpaces} flag, which later JVMs no longer have (its look-up failed on Java 25 and took every
     *     word of this class with it); there, the JVM's own arguments say it
     */
    private static boolean switchedOff(HotSpotDiagnosticMXBean hotSpot) {
        try {
            return hotSpot.getVMOption("UseSharedSpaces").getOrigin() != VMOption.Origin.DEFAULT;
        } catch (IllegalArgumentException e) {
            return ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-Xshare:off");
        }
    }

    /**
     * @return the AOT cache given with {@code -XX:AOTCache} (Java 24 and later), which the JVM maps as it maps a class
     *     archive; empty when none was given or the JVM has no such option (Java 17)
     */
    private static Optional<String> aotCache(HotSpotDiagnosticMXBean hotSpot) {
        try {
            VMOption option = hotSpot.getVMOption("AOTCache");
            return option.getOrigin() == VMOption.Origin.DEFAULT
                            || option.getValue().isEmpty()
                    ? Optional.empty()
                    : Optional.of(option.getValue());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** @return the line for this JVM, or empty when it has nothing to say (or is not HotSpot) */
    static Optional<String> ofThisJvm() {
        try {
            HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            VMOption option = hotSpot.getVMOption("SharedArchiveFile");
            boolean switchedOff = switchedOff(hotSpot);
            Optional<String> given = option.getOrigin() == VMOption.Origin.DEFAULT || switchedOff
                    ? Optional.empty()
                    : Optional.of(option.getValue());
            Optional<String> notMapped = of(given, System.getProperty("java.vm.info"));
            if (notMapped.isPresent()) {
                return notMapped;
            }
            Optional<String> mapped = given.isPresent() ? given : aotCache(hotSpot);
            if (mapped.isEmpty()) {
                return Optional.empty();
            }
            return ofMapped(Path.of(mapped.get()), (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // not HotSpot, no such option, or no /proc to tell the user
        }
    }
}
