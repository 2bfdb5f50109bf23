package org.tabserve.launcher;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.text.Collator;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The launcher's thread that has the JDK's locale data Jetty's start asks for ready ahead of it. */
class LocaleDataAheadTest {

    /** Nothing waits for it: a start that fails exits without it, and what it leaves answers as Jetty expects. */
    @Test
    void theLocaleDataIsReadOnADaemonThreadThatEnds() throws InterruptedException {
        Thread thread = Main.localeDataAhead();

        assertTrue(thread.isDaemon());
        thread.join(60_000);
        assertFalse(thread.isAlive(), "still reading locale data after a minute");
        assertTrue(Collator.getInstance(Locale.ENGLISH).compare("jetty-util.jar", "Jetty-xml.jar") < 0);
        assertTrue(java.util.Arrays.asList(Locale.getAvailableLocales()).contains(Locale.ENGLISH));
    }
}
