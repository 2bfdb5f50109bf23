package org.tabserve.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.cardmaking.Summary;
import org.tabserve.model.Model;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Task;

/**
 * Pass one of the {@code card} command: each number feature's range and mean, each text feature's categories and the
 * rows per class, in bounded memory (past {@link #MAX_CATEGORIES} distinct values, a text feature's new values are
 * counted together).
 */
final class CardStatistics {

    /** Distinct categories counted per text feature; past it, new values are counted together. */
    static final int MAX_CATEGORIES = 50;

    static final String OTHER_CATEGORIES = "(other)";

    final Model model;
    final String labelColumn;
    final boolean classifier;
    final Cells cells;
    final Map<String, Summary> summaries = new LinkedHashMap<>();
    final Map<String, Map<String, Map<String, Long>>> categories = new LinkedHashMap<>();
    final Map<String, Long> classRows = new LinkedHashMap<>();
    final Summary target = new Summary();
    long rows;

    CardStatistics(Model model, String labelColumn) {
        this.model = model;
        this.labelColumn = labelColumn;
        this.classifier = model.signature().task() == Task.CLASSIFICATION;
        this.cells = new Cells(model.signature());
        model.signature().classLabels().forEach(c -> classRows.put(c, 0L));
        for (int f = 0; f < cells.features().size(); f++) {
            if (cells.categorical(f)) {
                categories.put(cells.features().get(f).name(), new LinkedHashMap<>());
            } else {
                summaries.put(cells.features().get(f).name(), new Summary());
            }
        }
    }

    String group(String label) {
        return classifier ? label : labelColumn;
    }

    /** @param numbers each row's number in the file, for messages about its label */
    void accept(Batch batch, List<String> labels, long[] numbers) {
        for (int r = 0; r < batch.size(); r++) {
            rows++;
            String label = LabelCheck.checkLabel(model, labelColumn, labels.get(r), numbers[r]);
            if (classifier) {
                classRows.merge(label, 1L, Long::sum);
            } else {
                target.add(LabelCheck.target(labelColumn, label, numbers[r]));
            }
            for (int f = 0; f < cells.features().size(); f++) {
                String name = cells.features().get(f).name();
                if (cells.categorical(f)) {
                    String text = cells.text(batch, r, f);
                    if (text != null) {
                        Map<String, Long> counts =
                                categories.get(name).computeIfAbsent(group(label), g -> new LinkedHashMap<>());
                        String category =
                                counts.containsKey(text) || distinct(name) < MAX_CATEGORIES ? text : OTHER_CATEGORIES;
                        counts.merge(category, 1L, Long::sum);
                    }
                } else {
                    summaries.get(name).add(cells.number(batch, r, f));
                }
            }
        }
    }

    private long distinct(String feature) {
        return categories.get(feature).values().stream()
                .flatMap(m -> m.keySet().stream())
                .distinct()
                .count();
    }
}
