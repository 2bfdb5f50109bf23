package org.tabserve.web.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.tabserve.cli.ConformalServer;
import org.tabserve.launcher.TabserveServer;

/**
 * Issue 51, item 4, in Chromium at 1280 and 360 px: the form of a calibrated classifier says how sure its answer is
 * in words that do not read as the answer's probability (beside the probability bars, "Genuine, at 90 %" read as a
 * 90 % chance), shown whole at both widths with no sideways scroll; so are a regressor's interval and a set that
 * holds both classes. Screenshots: {@code sureness-1280.png}, {@code sureness-360.png}, and docs/routes.md's
 * {@code form-coverage-1280.png} and {@code form-prediction-set-1280.png} (with {@code -Dtabserve.screenshots=true}).
 */
@ExtendWith(ConformalServer.class)
class SurenessBrowserTest extends ChromiumTests {

    static TabserveServer server;

    @BeforeAll
    static void start(TabserveServer shared) throws Exception {
        server = shared;
    }

    @Test
    void theSurenessIsWordedAsACoverageAtBothWidths() throws Exception {
        for (Dimension size : List.of(Chromium.DESKTOP, Chromium.PHONE)) {
            browser.size(size);
            browser.driver.get(server.uri("/models/forged/").toString());
            for (String[] field : new String[][] {{"skewness", "8.6661"}, {"curtosis", "-2.8073"}}) {
                WebElement input = browser.byId(field[0]);
                input.clear();
                input.sendKeys(field[1]);
            }
            new Select(browser.byId("coverage")).selectByValue("0.9");
            browser.navigate(browser.byId("submit"));
            WebElement sureness = browser.byId("sureness");
            assertTrue(sureness.isDisplayed(), size + ": the words are shown");
            String words = sureness.getText();
            // Before: "Genuine, at 90 %."
            assertTrue(words.startsWith("Genuine: the prediction set at 90 % coverage holds this class alone."), words);
            assertTrue(words.contains("not this answer's probability"), words);
            assertFalse(words.contains("seen few rows"), words);
            assertEquals(0, browser.sidewaysOverflow(), size + ": the page scrolls sideways");
            browser.shoot("sureness-" + size.getWidth(), size);
        }
    }

    @Test
    void aRegressorsIntervalAndASetOfBothClassesAreShownWholeAtBothWidths() throws Exception {
        String[][] cases = {
            // model, coverage, the words' beginning, then the row
            {"entropy", "0.9", "Between ", "variance", "3.6216", "skewness", "8.6661", "curtosis", "-2.8073"},
            {
                "forged",
                "0.95",
                "Genuine or forged: the prediction set at 95 % coverage holds more than one class",
                "skewness",
                "0",
                "curtosis",
                "0"
            }
        };
        for (String[] shown : cases) {
            for (Dimension size : List.of(Chromium.DESKTOP, Chromium.PHONE)) {
                browser.size(size);
                browser.driver.get(server.uri("/models/" + shown[0] + "/").toString());
                for (int i = 3; i < shown.length; i += 2) {
                    WebElement input = browser.byId(shown[i]);
                    input.clear();
                    input.sendKeys(shown[i + 1]);
                }
                new Select(browser.byId("coverage")).selectByValue(shown[1]);
                browser.navigate(browser.byId("submit"));
                WebElement sureness = browser.byId("sureness");
                assertTrue(sureness.isDisplayed(), size + ": the words are shown");
                assertTrue(sureness.getText().startsWith(shown[2]), sureness.getText());
                assertEquals(0, browser.sidewaysOverflow(), size + ": the page scrolls sideways");
                String picture = shown[0].equals("entropy") ? "form-coverage-" : "form-prediction-set-";
                browser.shoot(picture + size.getWidth(), size);
            }
        }
    }
}
