package org.tabserve.model.card;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tabserve.model.conformal.Conformal;
import org.tabserve.model.signature.Background;
import org.tabserve.model.signature.FeatureStats;

/**
 * What a model says about itself, read from the ONNX file's {@code metadata_props} (see {@link CardKeys}), so that
 * the server needs no side file. Absent keys get sensible defaults; optional parts are empty or {@code null}.
 *
 * @param name              short name: the card's, else the graph's, else the file's
 * @param version           the card's version, else the ONNX {@code model_version}
 * @param description       one line for people; may be empty
 * @param producer          the ONNX producer name (e.g. Tribuo, skl2onnx, pytorch); may be empty
 * @param classDisplayNames class label to display name; a label without an entry is shown as itself
 * @param classDisplayNote  where the display names come from; may be empty
 * @param featureStats      feature name to training statistics, in the model's feature order; may be empty
 * @param evaluation        held-out metrics, or {@code null} when the card has none
 * @param data              the training data's description (file, sha256, rows, source, licence); may be empty
 * @param trainer           the trainer, its settings and how it was chosen; may be empty
 * @param histograms        feature name to its training distribution per class, in the model's feature order; may
 *                          be empty
 * @param examples          class label (a regressor's: its label column) to example rows from the data, feature name to
 *                          value (a Double, a String for text, null for missing); may be empty
 * @param categories        text feature name to how often each of its values occurred, per class, in the model's
 *                          feature order; may be empty
 * @param regression        a regressor's metrics, or {@code null} when the card has none (a classifier's are
 *                          {@code evaluation})
 * @param metadata          every metadata entry of the file, card keys and others, as stored
 * @param skippedRows       per data file, the rows the card's figures leave out and why ({@code card --skip-invalid});
 *                          empty when none were
 * @param background        the sample of training rows explanations are measured against, or {@code null} when the
 *                          card has none
 * @param conformal         the split-conformal calibration that answers {@code coverage}, or {@code null} when the
 *                          card has none
 */
public record ModelCard(
        String name,
        String version,
        String description,
        String producer,
        Map<String, String> classDisplayNames,
        String classDisplayNote,
        Map<String, FeatureStats> featureStats,
        Evaluation evaluation,
        Map<String, Object> data,
        Map<String, Object> trainer,
        Map<String, FeatureHistogram> histograms,
        Map<String, List<Map<String, Object>>> examples,
        Map<String, CategoryCounts> categories,
        RegressionEvaluation regression,
        Map<String, String> metadata,
        List<SkippedRows> skippedRows,
        Background background,
        Conformal conformal) {

    public ModelCard {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(producer, "producer");
        Objects.requireNonNull(classDisplayNote, "classDisplayNote");
        classDisplayNames = frozen(classDisplayNames);
        featureStats = frozen(featureStats);
        data = frozen(data);
        trainer = frozen(trainer);
        histograms = frozen(histograms);
        Map<String, List<Map<String, Object>>> rows = new LinkedHashMap<>();
        examples.forEach((label, list) -> rows.put(
                label,
                list.stream()
                        .map(row -> Collections.unmodifiableMap(new LinkedHashMap<>(row)))
                        .toList()));
        examples = Collections.unmodifiableMap(rows);
        categories = frozen(categories);
        metadata = frozen(metadata);
        skippedRows = List.copyOf(skippedRows);
    }

    /**
     * @param name    short name: the card's, else the graph's, else the file's
     * @param version the card's version, else the ONNX {@code model_version}
     * @return a card of that name and version with every other part empty or absent, to be filled in
     */
    public static Builder builder(String name, String version) {
        return new Builder(name, version);
    }

    /** Makes a card part by part, each part not given empty or absent (as the record's components say). */
    public static final class Builder {
        private final String name;
        private final String version;
        private String description = "";
        private String producer = "";
        private Map<String, String> classDisplayNames = Map.of();
        private String classDisplayNote = "";
        private Map<String, FeatureStats> featureStats = Map.of();
        private Evaluation evaluation = null;
        private Map<String, Object> data = Map.of();
        private Map<String, Object> trainer = Map.of();
        private Map<String, FeatureHistogram> histograms = Map.of();
        private Map<String, List<Map<String, Object>>> examples = Map.of();
        private Map<String, CategoryCounts> categories = Map.of();
        private RegressionEvaluation regression = null;
        private Map<String, String> metadata = Map.of();
        private List<SkippedRows> skippedRows = List.of();
        private Background background = null;
        private Conformal conformal = null;

        private Builder(String name, String version) {
            this.name = name;
            this.version = version;
        }

        public Builder description(String description) {
            this.description = description;
            return this;
        }

        public Builder producer(String producer) {
            this.producer = producer;
            return this;
        }

        public Builder classDisplayNames(Map<String, String> classDisplayNames) {
            this.classDisplayNames = classDisplayNames;
            return this;
        }

        public Builder classDisplayNote(String classDisplayNote) {
            this.classDisplayNote = classDisplayNote;
            return this;
        }

        public Builder featureStats(Map<String, FeatureStats> featureStats) {
            this.featureStats = featureStats;
            return this;
        }

        public Builder evaluation(Evaluation evaluation) {
            this.evaluation = evaluation;
            return this;
        }

        public Builder data(Map<String, Object> data) {
            this.data = data;
            return this;
        }

        public Builder trainer(Map<String, Object> trainer) {
            this.trainer = trainer;
            return this;
        }

        public Builder histograms(Map<String, FeatureHistogram> histograms) {
            this.histograms = histograms;
            return this;
        }

        public Builder examples(Map<String, List<Map<String, Object>>> examples) {
            this.examples = examples;
            return this;
        }

        public Builder categories(Map<String, CategoryCounts> categories) {
            this.categories = categories;
            return this;
        }

        public Builder regression(RegressionEvaluation regression) {
            this.regression = regression;
            return this;
        }

        public Builder metadata(Map<String, String> metadata) {
            this.metadata = metadata;
            return this;
        }

        public Builder skippedRows(List<SkippedRows> skippedRows) {
            this.skippedRows = skippedRows;
            return this;
        }

        public Builder background(Background background) {
            this.background = background;
            return this;
        }

        public Builder conformal(Conformal conformal) {
            this.conformal = conformal;
            return this;
        }

        /** @return the card of the parts given */
        public ModelCard build() {
            return new ModelCard(
                    name,
                    version,
                    description,
                    producer,
                    classDisplayNames,
                    classDisplayNote,
                    featureStats,
                    evaluation,
                    data,
                    trainer,
                    histograms,
                    examples,
                    categories,
                    regression,
                    metadata,
                    skippedRows,
                    background,
                    conformal);
        }
    }

    private static <V> Map<String, V> frozen(Map<String, V> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /**
     * @return whether the card says anything learnt from data (statistics, pictures, examples, metrics or the data
     *         block), as the {@code card} command writes; a model exported elsewhere has at most names
     */
    public boolean describesData() {
        return !featureStats.isEmpty()
                || evaluation != null
                || regression != null
                || !data.isEmpty()
                || !histograms.isEmpty()
                || !examples.isEmpty()
                || !categories.isEmpty();
    }

    /**
     * @param classLabel a class label of the model
     * @return its display name, or the label itself when the card gives none
     */
    public String displayName(String classLabel) {
        return classDisplayNames.getOrDefault(classLabel, classLabel);
    }
}
