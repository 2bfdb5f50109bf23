package org.tabserve.launcher;

import org.eclipse.jetty.util.MemoryUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The launcher tells Jetty how many references fill a cache line, so that Jetty need not start the platform MBean
 * server to find out: the answer must be the one Jetty would work out itself, and an operator's own setting wins.
 */
class EmbeddedServerTest {

    private String before;

    @BeforeEach
    void clear() {
        before = System.clearProperty(EmbeddedServer.REFERENCES_PER_CACHE_LINE);
    }

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(EmbeddedServer.REFERENCES_PER_CACHE_LINE);
        } else {
            System.setProperty(EmbeddedServer.REFERENCES_PER_CACHE_LINE, before);
        }
    }

    /** What Jetty's MemoryUtils answers without the setting: it asks the MBean server about compressed oops. */
    @Test
    void givesJettyTheReferencesPerCacheLineItWouldWorkOutThroughTheMBeanServer() throws Exception {
        CompositeData option = (CompositeData) ManagementFactory.getPlatformMBeanServer().invoke(
                ObjectName.getInstance("com.sun.management:type=HotSpotDiagnostic"), "getVMOption",
                new Object[] {"UseCompressedOops"}, new String[] {String.class.getName()});
        int jettys = Boolean.parseBoolean((String) option.get("value"))
                ? MemoryUtils.getIntegersPerCacheLine() : MemoryUtils.getLongsPerCacheLine();

        EmbeddedServer.presetReferencesPerCacheLine();

        assertEquals(Integer.toString(jettys), System.getProperty(EmbeddedServer.REFERENCES_PER_CACHE_LINE));
    }

    @Test
    void leavesAnOperatorsOwnSettingAlone() {
        System.setProperty(EmbeddedServer.REFERENCES_PER_CACHE_LINE, "3");

        EmbeddedServer.presetReferencesPerCacheLine();

        assertEquals("3", System.getProperty(EmbeddedServer.REFERENCES_PER_CACHE_LINE));
    }
}
