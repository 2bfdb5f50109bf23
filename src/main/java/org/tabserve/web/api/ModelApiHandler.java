package org.tabserve.web.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.model.Model;
import org.tabserve.model.card.CategoryCounts;
import org.tabserve.model.card.Evaluation;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.card.RegressionEvaluation;
import org.tabserve.model.card.SkippedRows;
import org.tabserve.model.conformal.Conformal;
import org.tabserve.model.live.LiveProfile;
import org.tabserve.model.signature.CellChecker;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.ValueType;
import org.tabserve.serving.ResolvedModel;
import org.tabserve.serving.ServedModels;
import org.tabserve.serving.monitor.LiveJson;
import org.tabserve.serving.monitor.Monitors;
import org.tabserve.serving.monitor.NoveltyCounts;
import org.tabserve.serving.monitor.TabserveMetrics;
import org.tabserve.web.http.Json;

/**
 * {@code GET /api/model}: the served model's signature (task, typed inputs and features) and card, for programs that
 * build requests from it.
 */
public final class ModelApiHandler {

    private final TabserveMetrics metrics;
    private final Monitors monitors;

    /** @param served where each model version's live profile, live performance and novelty counts are read */
    public ModelApiHandler(ServedModels served) {
        this.metrics = served.metrics();
        this.monitors = served.monitors();
    }

    /** {@code GET /api/model}. */
    public void describe(ResolvedModel model, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        Model classifier = model.model();
        Map<String, Object> body =
                describe(classifier, monitors.live(model.name(), model.version().orElseThrow(), classifier));
        // Beside the features' drift: how well the version does now, from labels and without them.
        body.put(
                "performance",
                LivePerformanceJson.of(
                        classifier,
                        monitors.feedback()
                                .of(model.name(), model.version().orElseThrow(), classifier)
                                .orElse(null)));
        response.setContentType(Json.MEDIA_TYPE);
        if (body.get("conformal") instanceof Map<?, ?> conformal && conformal.get("novelty") != null) {
            // The rows measured for novelty since the model was loaded, and those flagged: live, beside the card's.
            NoveltyCounts.Counts counts = metrics.novelty().of(model.name());
            @SuppressWarnings("unchecked")
            Map<String, Object> novelty = new LinkedHashMap<>((Map<String, Object>) conformal.get("novelty"));
            novelty.put("checked_rows", counts.checked());
            novelty.put("novel_rows", counts.novel());
            @SuppressWarnings("unchecked")
            Map<String, Object> updated = (Map<String, Object>) conformal;
            updated.put("novelty", novelty);
        }
        Json.MAPPER.writeValue(response.getOutputStream(), body);
    }

    /** The held-out metrics in the card's own documented shape (see CardKeys.METRICS). */
    private static Map<String, Object> metrics(Evaluation evaluation) {
        Map<String, Object> perClass = new LinkedHashMap<>();
        evaluation
                .perClass()
                .forEach((label, m) -> perClass.put(
                        label,
                        Map.of(
                                "precision",
                                m.precision(),
                                "recall",
                                m.recall(),
                                "f1",
                                m.f1(),
                                "support",
                                m.support())));
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("method", evaluation.method());
        metrics.put("rows", evaluation.rows());
        metrics.put("accuracy", evaluation.accuracy());
        metrics.put("per_class", perClass);
        metrics.put(
                "confusion_matrix", Map.of("labels", evaluation.confusionLabels(), "counts", evaluation.confusion()));
        if (evaluation.roc() != null) {
            Map<String, Object> roc = new LinkedHashMap<>();
            roc.put("positive_class", evaluation.roc().positiveClass());
            roc.put("auc", evaluation.roc().auc());
            roc.put("rows", evaluation.roc().rows());
            roc.put("fpr", evaluation.roc().fpr());
            roc.put("tpr", evaluation.roc().tpr());
            metrics.put("roc", roc);
        }
        if (evaluation.calibration() != null) {
            metrics.put(
                    "calibration",
                    Map.of(
                            "positive_class",
                            evaluation.calibration().positiveClass(),
                            "predicted",
                            evaluation.calibration().predicted(),
                            "observed",
                            evaluation.calibration().observed(),
                            "counts",
                            evaluation.calibration().counts()));
        }
        return metrics;
    }

    /**
     * The card's conformal calibration, as {@code ?coverage=} uses it: which rows calibrated it (never training rows),
     * the largest coverage it answers, and the nominal against the empirical coverage on its calibration rows, with
     * the mean interval width (a regressor's) or set size (a classifier's).
     */
    private static Map<String, Object> conformal(Conformal conformal, boolean regressor) {
        Map<String, Object> json = conformal.described();
        json.put("largest_coverage", conformal.largestCoverage());
        List<Map<String, Object>> checks = new ArrayList<>();
        for (Conformal.Check check : conformal.checks()) {
            checks.add(Map.of(
                    "coverage",
                    check.coverage(),
                    "empirical",
                    check.empirical(),
                    regressor ? "mean_width" : "mean_set_size",
                    check.meanSize()));
        }
        json.put("checks", checks);
        if (conformal.novelty() != null) {
            json.put(
                    "novelty",
                    Map.of(
                            "threshold",
                            conformal.novelty().threshold(),
                            "calibration_rows",
                            conformal.novelty().scores().length));
        }
        return json;
    }

    /** A regressor's metrics from its card: how far its predictions were from the actual values. */
    private static Map<String, Object> metrics(RegressionEvaluation evaluation) {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("method", evaluation.method());
        metrics.put("rows", evaluation.rows());
        metrics.put("mae", evaluation.mae());
        metrics.put("rmse", evaluation.rmse());
        metrics.put("r2", evaluation.r2());
        return metrics;
    }

    /**
     * The signature and card: the task, every input (its type, v2 datatype, shape and features), every feature (its
     * type, whether it may be missing and why, its known categories and what an unknown one gets, its training range), and
     * for a model of one input that input as {@code input}, as before typed inputs.
     */
    static Map<String, Object> describe(Model classifier) {
        return describe(classifier, new LiveProfile(classifier.signature(), classifier.card()));
    }

    /** As {@link #describe(Model)}, each feature with its {@code "live"} figures from {@code live} ({@link LiveJson}). */
    static Map<String, Object> describe(Model classifier, LiveProfile live) {
        Map<String, LiveProfile.LiveFeature> liveFeatures = new java.util.HashMap<>();
        live.snapshot().forEach(f -> liveFeatures.put(f.name(), f));
        ModelSignature signature = classifier.signature();
        ModelCard card = classifier.card();
        List<Map<String, Object>> inputs = new ArrayList<>();
        List<Map<String, Object>> features = new ArrayList<>();
        for (ModelInput input : signature.inputs()) {
            Map<String, Object> tensor = new LinkedHashMap<>();
            tensor.put("name", input.name());
            tensor.put("type", typeName(input.type()));
            tensor.put("datatype", input.type().v2Name());
            tensor.put("shape", input.batchShape());
            tensor.put("features", input.features().stream().map(Feature::name).toList());
            inputs.add(tensor);
            for (Feature f : input.features()) {
                Map<String, Object> feature = new LinkedHashMap<>();
                feature.put("name", f.name());
                feature.put("type", typeName(f.type()));
                feature.put("input", input.name());
                feature.put("missing_allowed", f.missingAllowed());
                if (f.missing() != null) {
                    feature.put("missing_because", f.missing().word());
                }
                feature.put("missing_reason", CellChecker.missingReason(f));
                if (f.missingAs() != null) {
                    feature.put("missing_as", f.missingAs());
                }
                if (!f.categories().isEmpty()) {
                    feature.put("categories", f.categories());
                    feature.put("unknown_categories", f.refusesUnknown() ? "refused" : "warning");
                }
                var stats = card.featureStats().get(f.name());
                if (stats != null) {
                    feature.put("min", stats.min());
                    feature.put("max", stats.max());
                    feature.put("mean", stats.mean());
                }
                CategoryCounts counts = card.categories().get(f.name());
                if (counts != null) {
                    feature.put("category_counts", counts.counts());
                }
                feature.put("live", LiveJson.of(liveFeatures.get(f.name())));
                features.add(feature);
            }
        }
        List<Map<String, Object>> classes = new ArrayList<>();
        for (String label : signature.classLabels()) {
            classes.add(Map.of("label", label, "display_name", card.displayName(label)));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", card.name());
        body.put("version", card.version().isEmpty() ? null : card.version()); // a model without a version has none
        body.put("description", card.description());
        body.put("producer", card.producer());
        body.put("sha256", classifier.sha256());
        body.put(
                "format",
                new java.util.TreeMap<>(Map.of( // name, then written_by
                        "name",
                        classifier.format().name(),
                        "written_by",
                        classifier.format().writtenBy())));
        body.put(
                "engine",
                Map.of(
                        "name",
                        classifier.engine().name(),
                        "note",
                        classifier.engine().note()));
        body.put("task", signature.task().jsonName());
        body.put("inputs", inputs);
        body.put("features", features);
        if (inputs.size() == 1) {
            body.put("input", Map.of("name", signature.inputName(), "features", features));
        }
        body.put("classes", classes);
        body.put("class_display_note", card.classDisplayNote());
        body.put("output_kind", signature.outputKind().name().toLowerCase(java.util.Locale.ROOT));
        // the answer's per-row fields as data, which the Spark connector, the Python client and the pages loop over
        body.put(
                "fields",
                org.tabserve.model.answer.AnswerField.describe(
                        org.tabserve.model.answer.AnswerShape.of(signature, false, false, false)
                                .classes()));
        if (card.evaluation() != null) {
            body.put("metrics", metrics(card.evaluation()));
        } else if (card.regression() != null) {
            body.put("metrics", metrics(card.regression()));
        }
        if (card.conformal() != null) {
            body.put(
                    "conformal",
                    conformal(card.conformal(), signature.task() == org.tabserve.model.signature.Task.REGRESSION));
        }
        body.put("data", card.data());
        body.put("trainer", card.trainer());
        List<Map<String, Object>> skipped = new ArrayList<>();
        for (SkippedRows file : card.skippedRows()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("file", file.file());
            entry.put("rows", file.rows());
            entry.put("skipped", file.skipped());
            entry.put(
                    "reasons",
                    file.reasons().stream()
                            .map(r -> Map.of("row", r.row(), "field", r.field(), "message", r.message()))
                            .toList());
            entry.put("sentence", file.sentence());
            skipped.add(entry);
        }
        body.put("skipped_rows", skipped);
        return body;
    }

    /** The lower-case name of a value type, as /api/model and the card page give it (float, int64, string, …). */
    public static String typeName(ValueType type) {
        return type.name().toLowerCase(java.util.Locale.ROOT);
    }
}
