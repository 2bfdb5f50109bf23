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

    /** A card without a conformal calibration. */
    public ModelCard(
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
            Background background) {
        this(
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
                null);
    }

    /** A card without a background sample. */
    public ModelCard(
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
            List<SkippedRows> skippedRows) {
        this(
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
                null,
                null);
    }

    /** A card without category counts or regression metrics (a classifier's card from before they were read). */
    public ModelCard(
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
            Map<String, String> metadata) {
        this(
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
                Map.of(),
                null,
                metadata,
                List.of(),
                null,
                null);
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
