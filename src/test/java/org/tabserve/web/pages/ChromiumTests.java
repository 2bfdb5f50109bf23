package org.tabserve.web.pages;

import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * A browser test class's one Chromium: started before the class's tests (which are skipped, saying why, where Chromium
 * is not installed), set to desktop size before each test, and closed after the last.
 */
abstract class ChromiumTests {

    static Chromium browser;

    @BeforeAll
    static void startBrowser() throws IOException {
        browser = Chromium.start();
    }

    @AfterAll
    static void stopBrowser() throws IOException {
        if (browser != null) {
            browser.close();
            browser = null;
        }
    }

    @BeforeEach
    void desktop() {
        browser.size(Chromium.DESKTOP);
    }
}
