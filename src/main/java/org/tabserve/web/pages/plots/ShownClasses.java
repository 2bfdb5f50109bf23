package org.tabserve.web.pages.plots;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Which classes a page names one by one when a model has many (issue 39: 28 classes drew a legend of 4 colours
 * cycling and 28 probability bars): up to {@link #MOST} classes are all shown; beyond, the {@code MOST - 1} that
 * weigh most (by probability on the form, by rows on the card) are, and the rest are summed as one "others" entry.
 */
public final class ShownClasses {

    /** The most entries a page names: all the classes up to this many, else one fewer and "others". */
    static final int MOST = 8;
    /** The CSS colour class of the "others" entry (a grey, unlike every class's own colour). */
    static final String OTHERS_CSS = "class-others";

    private ShownClasses() {}

    /**
     * @param labels the classes, in the model's order
     * @param weight how much each weighs: its probability, its rows
     * @param keep   a class that must be shown (the predicted one), or null
     * @return the classes to name: all of them, in their order, when there are at most {@link #MOST}; else the
     * {@code MOST - 1} heaviest, heaviest first (ties in the model's order), {@code keep} among them
     */
    public static List<String> of(List<String> labels, ToDoubleFunction<String> weight, String keep) {
        if (labels.size() <= MOST) {
            return labels;
        }
        List<String> sorted = new ArrayList<>(labels);
        sorted.sort(Comparator.comparingDouble(weight).reversed());
        List<String> shown = new ArrayList<>(sorted.subList(0, MOST - 1));
        if (keep != null && labels.contains(keep) && !shown.contains(keep)) {
            shown.set(MOST - 2, keep);
        }
        return shown;
    }

    /** The name of the "others" entry, saying how many classes it sums. */
    public static String others(int count) {
        return "others (" + count + (count == 1 ? " class)" : " classes)");
    }
}
