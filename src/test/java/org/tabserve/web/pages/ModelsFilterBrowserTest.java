package org.tabserve.web.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;

/**
 * Issue 51, item 7: the models page in Chromium at 360 and 1280 px, over a directory of five model versions (one
 * failed): its legend is folded so that the first model is on the first screen of a phone, and its filter (name,
 * state, trouble) narrows the cards as one types or chooses, keeping the address in step so that the page's own
 * refresh and a reload keep the filter. Screenshots: {@code target/screenshots/models-filter-1280.png} and
 * {@code -360.png}.
 */
class ModelsFilterBrowserTest extends ChromiumTests {

    /** The test JVM's one server of the bundled model, whose models page the first test only reads. */
    @RegisterExtension
    static final Http bundled = Http.sharingTheApp();

    /** The test JVM's one server of the models ModelsFilterTest reads, which the filter's test only reads too. */
    @RegisterExtension
    static final Http filtered =
            Http.sharingTheModels("four and a broken file", ModelDirectory::withFourModelsAndABrokenFile);

    /** A phone's first screen: what is above this is seen without scrolling (360 x 640, a small phone). */
    private static final int FIRST_SCREEN = 640;

    /**
     * The cards shown, read in one script: the page's 10 s refresh and the filter redraw the table, so elements found
     * one call before may be gone by the next (a StaleElementReferenceException under load).
     */
    @SuppressWarnings("unchecked")
    private static List<String> shownCards() {
        browser.present(By.id("models"));
        return (List<String>) browser.js("return [...document.querySelectorAll('#models tbody[data-model]')]"
                + ".filter(card => card.getClientRects().length > 0)"
                + ".map(card => card.dataset.model + '/' + card.dataset.version);");
    }

    private static void awaitShown(List<String> expected) {
        new WebDriverWait(browser.driver, Duration.ofSeconds(30))
                .until(d -> shownCards().equals(expected));
    }

    /**
     * Issue 66, item 6: at 360 px each of the filter's labels stays on the line of the field it names, before it
     * (before: "State" ended the first line and its list began the second, "Trouble" likewise).
     */
    @Test
    void eachFilterLabelStaysOnTheLineOfItsFieldAtBothWidths() throws Exception {
        for (Dimension size : List.of(Chromium.PHONE, Chromium.DESKTOP)) {
            browser.size(size);
            browser.driver.get(bundled.uri("/models").toString());
            List<WebElement> labels = browser.present(By.cssSelector("#models-filter label[for]"));
            assertEquals(3, labels.size());
            for (WebElement label : labels) {
                WebElement field = browser.byId(label.getAttribute("for"));
                long labelMiddle = browser.number(
                        "var r = arguments[0].getBoundingClientRect(); return Math.round((r.top + r.bottom) / 2);",
                        label);
                long fieldTop = browser.number("return Math.floor(arguments[0].getBoundingClientRect().top);", field);
                long fieldBottom =
                        browser.number("return Math.ceil(arguments[0].getBoundingClientRect().bottom);", field);
                long labelRight =
                        browser.number("return Math.round(arguments[0].getBoundingClientRect().right);", label);
                long fieldLeft = browser.number("return Math.round(arguments[0].getBoundingClientRect().left);", field);
                String where = size.getWidth() + " px: " + label.getText();
                assertTrue(
                        labelMiddle >= fieldTop && labelMiddle <= fieldBottom,
                        where + " is on another line than its field: middle " + labelMiddle + ", field " + fieldTop
                                + " to " + fieldBottom);
                assertTrue(
                        labelRight <= fieldLeft,
                        where + " ends at " + labelRight + ", its field starts at " + fieldLeft);
            }
            assertEquals(0, browser.sidewaysOverflow(), size + ": the page scrolls sideways");
        }
    }

    @Test
    void theLegendIsFoldedAndTheFilterNarrowsTheCardsAtBothWidths() throws Exception {
        ModelDirectory.awaitIndex(
                filtered,
                index -> index.size() == 5
                        && index.stream()
                                .noneMatch(m -> m.path("state").asText().equals("LOADING")));
        browser.size(Chromium.PHONE);
        browser.driver.get(filtered.uri("/models").toString());
        List<String> all = shownCards();
        assertEquals(5, all.size(), all.toString());
        assertEquals("broken/1", all.get(0), "the failed model first");
        WebElement first = browser.driver.findElement(By.cssSelector("#models tbody[data-model]"));
        long top = browser.number("return Math.round(arguments[0].getBoundingClientRect().top);", first);
        // Before: the two paragraphs of legend put the first model at 1,100 px and more, below a phone's screen.
        assertTrue(top < FIRST_SCREEN, "at 360 px the first model starts at " + top + " px");
        WebElement help = browser.byId("models-help");
        assertEquals("details", help.getTagName());
        assertFalse(browser.byId("models-legend").isDisplayed(), "the legend is folded");
        help.findElement(By.tagName("summary")).click();
        assertTrue(browser.byId("models-legend").getText().contains("PSI 0.25"), "and unfolds");
        help.findElement(By.tagName("summary")).click();

        for (Dimension size : List.of(Chromium.PHONE, Chromium.DESKTOP)) {
            browser.size(size);
            browser.driver.get(filtered.uri("/models").toString());
            WebElement name = browser.byId("filter-name");
            name.sendKeys("bank");
            awaitShown(List.of("banknote/1", "banknote/2"));
            assertTrue(browser.driver.getCurrentUrl().endsWith("/models?name=bank"), browser.driver.getCurrentUrl());
            name.clear();
            name.sendKeys("x"); // an input event with no match...
            awaitShown(List.of());
            name.clear();
            new Select(browser.byId("filter-trouble")).selectByValue("bad");
            awaitShown(List.of("broken/1"));
            new Select(browser.byId("filter-trouble")).selectByValue("");
            new Select(browser.byId("filter-state")).selectByValue("loaded");
            awaitShown(all.subList(1, 5));
            assertEquals(0, browser.sidewaysOverflow(), size + ": the page scrolls sideways");
            browser.shoot("models-filter-" + size.getWidth(), size);
        }

        // A reload keeps the filter, which the server applies (the form works without script too).
        browser.driver.get(filtered.uri("/models?trouble=bad").toString());
        assertEquals(List.of("broken/1"), shownCards());
        assertEquals(
                "bad",
                new Select(browser.byId("filter-trouble"))
                        .getFirstSelectedOption()
                        .getAttribute("value"));
        assertEquals("1 of 5 versions", browser.byId("models-shown").getText());
    }
}
