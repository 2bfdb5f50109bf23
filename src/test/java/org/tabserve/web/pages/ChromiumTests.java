package org.tabserve.web.pages;

import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * A browser test class's Chromium: the test JVM's one ({@link Chromium#shared()}), taken before the class's tests
 * (which are skipped, saying why, where Chromium is not installed) as a new browser would be, set to desktop size
 * before each test, and left running after the last for the next class.
 */
abstract class ChromiumTests {

    static Chromium browser;

    @BeforeAll
    static void startBrowser() throws IOException {
        browser = Chromium.shared();
    }

    @AfterAll
    static void leaveBrowser() {
        browser = null;
    }

    @BeforeEach
    void desktop() {
        browser.size(Chromium.DESKTOP);
    }
}
