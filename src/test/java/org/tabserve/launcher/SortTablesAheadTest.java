package org.tabserve.launcher;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.text.Collator;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The launcher's thread that builds the collation tables Jetty's sorts use, ahead of them. */
class SortTablesAheadTest {

    /** Nothing waits for it: a start that fails exits without it, and the tables it leaves sort as Jetty expects. */
    @Test
    void theTablesAreBuiltOnADaemonThreadThatEnds() throws InterruptedException {
        Thread thread = Main.sortTablesAhead();

        assertTrue(thread.isDaemon());
        thread.join(60_000);
        assertFalse(thread.isAlive(), "still building the collation tables after a minute");
        assertTrue(Collator.getInstance(Locale.ENGLISH).compare("jetty-util.jar", "Jetty-xml.jar") < 0);
    }
}
