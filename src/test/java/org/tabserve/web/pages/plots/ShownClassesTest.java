package org.tabserve.web.pages.plots;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Up to 8 classes are all named, in the model's order; past 8, the 7 heaviest, heaviest first, with the class that
 * must be shown (the predicted one) among them even when it is not; "others" says how many it sums.
 */
class ShownClassesTest {

    @Test
    void upToEightAllAreShownInTheirOrder() {
        List<String> eight = List.of("h", "g", "f", "e", "d", "c", "b", "a");
        assertEquals(eight, ShownClasses.of(eight, String::length, null));
    }

    @Test
    void pastEightTheSevenHeaviestAndTheKeptOne() {
        List<String> labels = IntStream.range(0, 28).mapToObj(i -> "c" + i).toList();
        Map<String, Double> weight = new java.util.HashMap<>();
        labels.forEach(l -> weight.put(l, (double) Integer.parseInt(l.substring(1))));
        assertEquals(
                List.of("c27", "c26", "c25", "c24", "c23", "c22", "c21"), ShownClasses.of(labels, weight::get, "c25"));
        assertEquals(
                List.of("c27", "c26", "c25", "c24", "c23", "c22", "c0"),
                ShownClasses.of(labels, weight::get, "c0"),
                "the predicted class takes the last place");
        assertEquals("others (21 classes)", ShownClasses.others(21));
        assertEquals("others (1 class)", ShownClasses.others(1));
    }
}
