package org.tabserve.launcher;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.util.Optional;

/**
 * The one line that says a class archive given with {@code -XX:SharedArchiveFile} was not found: Java 17 then starts
 * silently with no class sharing at all, not even the JDK's own archive, about a quarter more CPU to the ready line
 * than with neither (bench/RESULTS.notes.md, "Start to ready (issue 53, item 4)"). An archive that is found but was
 * made for another WAR or JDK the JVM reports itself, in one warning, and keeps the JDK's archive.
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

    /** @return the line for this JVM, or empty when it has nothing to say (or is not HotSpot) */
    static Optional<String> ofThisJvm() {
        try {
            HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            VMOption option = hotSpot.getVMOption("SharedArchiveFile");
            boolean switchedOff = hotSpot.getVMOption("UseSharedSpaces").getOrigin() != VMOption.Origin.DEFAULT;
            Optional<String> given = option.getOrigin() == VMOption.Origin.DEFAULT || switchedOff
                    ? Optional.empty()
                    : Optional.of(option.getValue());
            return of(given, System.getProperty("java.vm.info"));
        } catch (RuntimeException e) {
            return Optional.empty(); // not HotSpot, or no such option
        }
    }
}
