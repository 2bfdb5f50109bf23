package org.tabserve.model.onnx.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.tabserve.model.Engine;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.onnx.graph.OnnxGraph;
import org.tabserve.model.onnx.plain.Unsupported;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.FeatureStats;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.Prediction;

/**
 * Decides, while a model loads, whether its batches run in plain Java: only when its graph compiles to plain Java
 * ({@link PlainEngine}) and then gives ONNX Runtime's answers ({@link OrtAgreement}) on every row it is tried on (the
 * card's background and example rows and {@value #GENERATED} rows drawn within the card's ranges and categories, an
 * eighth of the values missing where a feature may be, then the {@link EdgeRows}: zeros, overflowing squares,
 * denormals), in batches of {@link #SIZES one, of 17 and all at once}, each row with the same bits in each (the engine
 * answers batches of every size, so that a row's answer never depends on its batch); a row neither answers finitely
 * agrees, and a row the model refuses of any caller (its cells, or its whole row: {@link PlainEngine#rowCheck}) is not
 * tried. Any other answer keeps the model on ONNX Runtime, and says why. Where ONNX Runtime is known to be wrong
 * ({@link OrtKnownErrors}), the plain engine is checked with that error made on purpose, and the error is named on the
 * engine's note. The setting {@link Engine#SETTING} = {@code onnxruntime} keeps every model on ONNX Runtime.
 */
public final class PlainCheck {

    private static final System.Logger LOG = System.getLogger(PlainCheck.class.getName());

    /** Rows drawn for the check beside the card's own. */
    static final int GENERATED = 256;

    /**
     * The batch sizes the plain graph is tried in: one row, 17 (past the 16 rows under which some operators take a
     * scalar path, {@code SvmKernels.LAID_OUT}), and every row at once (0).
     */
    private static final int[] SIZES = {1, 17, 0};

    private PlainCheck() {}

    /** Tries the model's graph in plain Java and tells the model which engine runs it. */
    public static void decide(CheckedModel model, OnnxGraph graph, ModelSignature signature) {
        decide(model, graph, signature, setting());
    }

    /** As {@link #decide(CheckedModel, OnnxGraph, ModelSignature)}, with the setting given. */
    static void decide(CheckedModel model, OnnxGraph graph, ModelSignature signature, String setting) {
        List<String> outputs = List.copyOf(model.outputNames());
        OrtKnownErrors errors = OrtKnownErrors.of(graph);
        String wrong = errors.none() ? "" : "; its answers are wrong there: " + errors.words();
        if (setting.equals("onnxruntime")) {
            model.use(null, Engine.onnxRuntime(Engine.SETTING + " = onnxruntime" + wrong));
            return;
        }
        PlainEngine plain;
        PlainEngine checked;
        try {
            plain = PlainEngine.compile(graph, signature, outputs);
            checked = errors.none() ? plain : PlainEngine.compile(errors.asOnnxRuntimeComputes(), signature, outputs);
        } catch (Unsupported e) {
            model.use(null, Engine.onnxRuntime("plain Java does not run its graph: " + e.getMessage() + wrong));
            return;
        }
        List<Object[]> rows = rows(model.card(), signature);
        if (!rows.isEmpty()) {
            rows.addAll(valid(EdgeRows.of(signature.features(), rows.get(0)), signature));
        }
        String mismatch = mismatch(model, checked, signature, rows);
        if (mismatch != null) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "{0}: ONNX Runtime runs it; its plain-Java graph answered otherwise: {1}",
                    model.source(),
                    mismatch);
            model.use(
                    null,
                    Engine.onnxRuntime(
                            "its graph in plain Java answered otherwise than ONNX Runtime, or a row otherwise alone"
                                    + " than in a batch (" + mismatch + ")" + wrong));
            return;
        }
        model.use(
                plain,
                new Engine(
                        Engine.PLAIN_JAVA,
                        errors.none()
                                ? "single rows and batches of every size are computed in plain Java (" + plain.nodes()
                                        + " nodes), so that a row's answer has the same bits in any batch, and gave"
                                        + " ONNX Runtime's answers on the " + rows.size() + " rows it was checked on"
                                : "every batch is computed in plain Java (" + plain.nodes() + " nodes), not in ONNX"
                                        + " Runtime, which is wrong on this graph: " + errors.words() + ". Plain Java"
                                        + " computes the operator as ONNX defines it, and gave ONNX Runtime's answers"
                                        + " on the " + rows.size() + " rows it was checked on once made to leave that"
                                        + " out too"));
    }

    /** {@value Engine#SETTING}: the system property, else the environment variable, else {@code auto}. */
    private static String setting() {
        String value = System.getProperty(Engine.SETTING, System.getenv("TABSERVE_ENGINE"));
        return value == null ? "auto" : value.trim().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The card's background and example rows, and rows drawn within its ranges and categories: those the model takes
     * (a card row of a category the model does not know, or a drawn text the model refuses, is not a row to compare on).
     */
    public static List<Object[]> rows(ModelCard card, ModelSignature signature) {
        return valid(candidates(card, signature), signature);
    }

    private static List<Object[]> valid(List<Object[]> candidates, ModelSignature signature) {
        List<Object[]> valid = new ArrayList<>();
        for (Object[] row : candidates) {
            try {
                Batch.of(signature, List.<Object[]>of(row));
                valid.add(row);
            } catch (ModelException e) {
                // refused: left out
            }
        }
        return valid;
    }

    private static List<Object[]> candidates(ModelCard card, ModelSignature signature) {
        List<Object[]> rows = new ArrayList<>();
        if (card.background() != null) {
            rows.addAll(card.background().cells());
        }
        List<Feature> features = signature.features();
        for (List<Map<String, Object>> examples : card.examples().values()) {
            for (Map<String, Object> example : examples) {
                Object[] row = new Object[features.size()];
                for (int i = 0; i < row.length; i++) {
                    row[i] = example.get(features.get(i).name());
                }
                rows.add(row);
            }
        }
        SplittableRandom random = new SplittableRandom(38);
        for (int r = 0; r < GENERATED; r++) {
            Object[] row = new Object[features.size()];
            for (int i = 0; i < row.length; i++) {
                row[i] = drawn(
                        features.get(i), card.featureStats().get(features.get(i).name()), random);
            }
            rows.add(row);
        }
        return rows;
    }

    private static Object drawn(Feature feature, FeatureStats stats, SplittableRandom random) {
        List<String> categories = feature.categories();
        return switch (feature.type()) {
            // any text where no categories are known, never "": that is a missing value, which no text input takes
            // unasked
            case STRING -> categories.isEmpty() ? "text" : categories.get(random.nextInt(categories.size()));
            case INT64, INT32 ->
                categories.isEmpty()
                        ? (Object) (long) random.nextInt(-3, 4)
                        : (Object) Long.parseLong(categories.get(random.nextInt(categories.size())));
            case BOOL -> random.nextBoolean();
            case FLOAT, DOUBLE -> {
                if (feature.missingAllowed() && random.nextInt(8) == 0) {
                    yield Double.NaN; // an imputer's input: its missing values are checked too
                }
                double lo = stats == null ? -10 : stats.min();
                double hi = stats == null ? 10 : stats.max();
                double spread = Math.max(hi - lo, 1e-3);
                yield lo - 0.1 * spread + random.nextDouble() * 1.2 * spread;
            }
        };
    }

    /**
     * @return the first difference between the plain graph's answers and ONNX Runtime's, or between its answers to a
     *     row alone and in a batch (which must have the same bits), or null when none
     */
    private static String mismatch(
            CheckedModel model, PlainEngine plain, ModelSignature signature, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return "no row to check it on";
        }
        Batch batch = Batch.of(signature, rows);
        List<Prediction> reference = model.predictOnnxRuntime(batch);
        List<Prediction> alone = new ArrayList<>();
        for (int size : SIZES) {
            int step = size == 0 ? batch.size() : size;
            for (int from = 0; from < batch.size(); from += step) {
                int count = Math.min(step, batch.size() - from);
                List<Prediction> answers;
                try {
                    answers = model.predictPlain(plain, batch, from, count);
                } catch (RuntimeException e) {
                    return "row " + from + " failed: " + e.getMessage();
                }
                for (int r = 0; r < count; r++) {
                    String difference = OrtAgreement.difference(reference.get(from + r), answers.get(r));
                    if (difference != null) {
                        return "row " + (from + r) + ": " + difference;
                    }
                    if (size == 1) {
                        alone.add(answers.get(r));
                    } else if (!Objects.equals(alone.get(from + r), answers.get(r))) {
                        return "row " + (from + r) + " in plain Java alone " + alone.get(from + r) + ", in a batch"
                                + " of " + count + " rows " + answers.get(r);
                    }
                }
            }
        }
        return null;
    }
}
