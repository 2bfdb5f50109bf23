package org.tabserve.model.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.tabserve.model.Engine;
import org.tabserve.model.Model;
import org.tabserve.model.ReadModel;
import org.tabserve.model.UseCount;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.explain.Explanation;
import org.tabserve.model.explain.ExplanationMeter;
import org.tabserve.model.explain.StructuralExplainer;
import org.tabserve.model.onnx.engine.CheckedModel;
import org.tabserve.model.onnx.engine.PlainEngine;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.FeatureStats;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.PredictionColumns;
import org.tabserve.model.signature.Task;
import org.tabserve.model.signature.ValueOutput;

/**
 * A {@link Model} run by one ONNX Runtime session, a classifier or a regressor: it turns a {@link Batch} into
 * {@link Prediction}s by binding each input as a tensor of its own type ({@link InputBinder}), running the graph in
 * chunks of its fixed batch where it has one, and decoding the outputs ({@link OutputDecoder}). It is assembled,
 * checked and warmed up by {@link OnnxModelLoader}.
 *
 * <p>Thread-safety: one instance is shared by all request threads; ONNX Runtime allows concurrent {@code run} calls
 * on one session, and {@link #close()} may come at any time: the session is freed only after the last prediction
 * inside it returns (a swapped model can be closed while a scoring thread is still running it).
 */
final class OnnxModel extends ReadModel implements CheckedModel {

    private static final System.Logger LOG = System.getLogger(OnnxModel.class.getName());

    private final OrtSession session;

    private final Set<String> outputNames;
    private final InputBinder binder;
    /** Output tensors ORT writes a single row's answers into, reused; null when an output cannot be pinned. */
    private final PinnedOutputs pinned;

    private final OutputDecoder decoder;
    /** The exact explainer from the estimator's attributes, or null; set once, just after the warm-up. */
    private volatile AttributeExplainer structural;
    /** The engine of every batch when the plain graph runs it, set once while loading; or null: ONNX Runtime. */
    private volatile PlainEngine plain;

    private volatile Engine engine = Engine.onnxRuntime("every answer comes from ONNX Runtime");
    /** Every prediction holds a use while it is inside the session; the session is closed after the last one. */
    private final UseCount uses = new UseCount(this::closeQuietly);

    /**
     * Assembles a model from the parts {@link OnnxModelLoader} read and opened; from now on it owns them and closes
     * them with itself.
     *
     * @param outputNames the outputs a prediction fetches
     * @param pinned      output tensors for single rows, or null when an output cannot be pinned
     */
    OnnxModel(
            String source,
            String sha256,
            OrtSession session,
            ModelSignature signature,
            ModelCard card,
            ValueOutput valueOutput,
            Set<String> outputNames,
            InputBinder binder,
            PinnedOutputs pinned,
            OutputDecoder decoder) {
        super(source, sha256, signature, card, valueOutput);
        this.session = session;
        this.outputNames = Set.copyOf(outputNames);
        this.binder = binder;
        this.pinned = pinned;
        this.decoder = decoder;
    }

    @Override
    public Engine engine() {
        return engine;
    }

    /**
     * From now on every batch runs in plain Java, as {@link OnnxModelLoader} decided before the model is shared: once
     * the plain graph gave ONNX Runtime's answers (or, with {@code plain} null, not).
     */
    @Override
    public void use(PlainEngine plain, Engine engine) {
        this.plain = plain;
        this.engine = engine;
    }

    /** @return the values a prediction reads from the graph */
    @Override
    public Set<String> outputNames() {
        return outputNames;
    }

    /** Rows {@code [from, from + count)} answered by a plain graph, for the check that decides whether to use it. */
    @Override
    public List<Prediction> predictPlain(PlainEngine engine, Batch batch, int from, int count) {
        try {
            return decoder.decode(RunOutputs.of(engine.run(batch, from, count)), count);
        } catch (OrtException e) {
            throw new IllegalStateException("a plain run made an ONNX Runtime error", e);
        }
    }

    /** Gives the model the explainer {@link AttributeExplainer#build} made for it (null: none), which it closes. */
    void explainedBy(AttributeExplainer explainer) {
        this.structural = explainer;
    }

    /** @return the explainer from the estimator's attributes, or null (for tests of its figures) */
    AttributeExplainer attributeExplainer() {
        return structural;
    }

    @Override
    public Optional<StructuralExplainer> structuralExplainer() {
        AttributeExplainer explainer = structural;
        if (explainer == null) {
            return Optional.empty();
        }
        return Optional.of(new StructuralExplainer() {
            @Override
            public Explanation explain(Batch rows, int row, ExplanationMeter meter) {
                if (rows.signature() != signature && !rows.signature().equals(signature)) {
                    throw new IllegalArgumentException("the batch was checked against another model's signature");
                }
                if (!uses.acquire()) {
                    throw closed();
                }
                try {
                    return explainer.explain(rows, row, meter);
                } finally {
                    uses.release();
                }
            }

            @Override
            public long modelRowsPerRow() {
                return explainer.modelRowsPerRow();
            }

            @Override
            public String work() {
                return explainer.work();
            }
        });
    }

    @Override
    public List<Prediction> predict(double[][] rows) {
        if (!uses.acquire()) {
            throw closed();
        }
        try {
            return rows.length == 0 ? List.of() : predictHeld(Batch.ofNumbers(signature, rows));
        } finally {
            uses.release();
        }
    }

    @Override
    public List<Prediction> predict(Batch batch) {
        if (batch.signature() != signature && !batch.signature().equals(signature)) {
            throw new IllegalArgumentException("the batch was checked against another model's signature");
        }
        if (!uses.acquire()) {
            throw closed();
        }
        try {
            return batch.size() == 0 ? List.of() : predictHeld(batch);
        } finally {
            uses.release();
        }
    }

    private ModelException closed() {
        return ModelException.predictionFailed("the model " + source + " has been closed", null);
    }

    private List<Prediction> predictHeld(Batch batch) {
        // Before an engine is chosen, as the batch's own check did where it was made against this very signature: a
        // row whose answer would depend on the engine or the batch (a linear score that overflows in some order of
        // adding) is refused alike everywhere.
        if (batch.signature() != signature || !batch.rowsChecked()) {
            signature.rowCheck().refuse(batch);
        }
        List<Prediction> predictions = answers(batch, plain);
        refuseNonFinite(batch, predictions);
        return predictions;
    }

    /**
     * The batch's answers from ONNX Runtime alone, a row with no finite answer null: what the plain graph is checked
     * against at load, whichever engine the model uses by then.
     */
    @Override
    public List<Prediction> predictOnnxRuntime(Batch batch) {
        if (!uses.acquire()) {
            throw closed();
        }
        try {
            return answers(batch, null);
        } finally {
            uses.release();
        }
    }

    /** @param plain the plain engine for every batch, or null for ONNX Runtime alone */
    private List<Prediction> answers(Batch batch, PlainEngine plain) {
        int chunk = signature.fixedBatch() > 0 ? signature.fixedBatch() : batch.size();
        List<List<Prediction>> parts = new ArrayList<>();
        for (int from = 0; from < batch.size(); from += chunk) {
            int count = Math.min(chunk, batch.size() - from);
            parts.add(
                    plain != null // never a fixed batch: PlainEngine.compile refuses one
                            ? runPlain(plain, batch, from, count)
                            : run(batch, from, count, signature.fixedBatch()));
        }
        return PredictionColumns.joined(parts); // still columns, for the batch routes' writers
    }

    /**
     * Rows {@code [from, from + count)} in plain Java, each with the same bits as alone. A row it answers with no
     * finite value is ONNX Runtime's (refused only if ONNX Runtime finds none either); the others keep plain Java's.
     */
    private List<Prediction> runPlain(PlainEngine plain, Batch batch, int from, int count) {
        List<Prediction> answers;
        try {
            answers = predictPlain(plain, batch, from, count);
        } catch (RuntimeException e) { // checked at load on hundreds of rows, so never expected: no 500
            LOG.log(System.Logger.Level.WARNING, "the plain graph of " + source + " failed; ONNX Runtime answers", e);
            return run(batch, from, count, 0);
        }
        if (!answers.contains(null)) {
            return answers;
        }
        List<Prediction> onnxRuntime = run(batch, from, count, 0);
        List<Prediction> merged = new ArrayList<>(answers);
        for (int r = 0; r < count; r++) {
            merged.set(r, answers.get(r) != null ? answers.get(r) : onnxRuntime.get(r));
        }
        return merged;
    }

    private List<Prediction> run(Batch batch, int from, int count, int padTo) {
        // One row writes into pinned outputs, read before they go back to the pool; the Result holds them but
        // does not close them. Closing the bound inputs frees only what this call made: shared text tensors stay.
        Map<String, OnnxTensor> into = null;
        try {
            into = pinned != null && Math.max(count, padTo) == 1 ? pinned.take() : null;
            try (InputBinder.Bound bound = binder.bind(batch, from, count, padTo);
                    OrtSession.Result result = into == null
                            ? session.run(bound.tensors(), outputNames)
                            : session.run(bound.tensors(), Set.of(), into)) {
                return decoder.decode(RunOutputs.of(result), count);
            }
        } catch (OrtException e) {
            throw ModelException.predictionFailed(
                    "ONNX Runtime failed to predict " + count + " rows with " + source + " (" + OrtMessages.inWords(e)
                            + ")",
                    e); // the whole message stays in the cause
        } finally {
            if (into != null) {
                pinned.give(into);
            }
        }
    }

    /**
     * A row whose answer is not finite overflowed inside the model: its values are the caller's problem, reported on
     * the number features that lie outside the training range (all of them when the card has no ranges).
     */
    private void refuseNonFinite(Batch batch, List<Prediction> predictions) {
        List<Feature> features = signature.features();
        if (!predictions.contains(null)) {
            return; // the usual batch: found without making a prediction per row
        }
        ModelSignature.FieldErrors errors = new ModelSignature.FieldErrors();
        for (int r = 0; r < predictions.size(); r++) {
            if (predictions.get(r) != null) {
                continue;
            }
            List<Integer> blamed = new ArrayList<>();
            List<Integer> numbers = new ArrayList<>();
            for (int i = 0; i < features.size(); i++) {
                if (!features.get(i).type().isNumber()) {
                    continue;
                }
                numbers.add(i);
                FeatureStats stats = card == null
                        ? null
                        : card.featureStats().get(features.get(i).name());
                if (stats == null || !stats.contains(batch.number(r, i))) {
                    blamed.add(i);
                }
            }
            for (int i : blamed.isEmpty() ? numbers : blamed) {
                errors.add(
                        r,
                        features.get(i).name(),
                        "feature '" + features.get(i).name() + "' = "
                                + (float) batch.number(r, i) + " makes the model return no finite "
                                + (signature.task() == Task.REGRESSION ? "value" : "probabilities")
                                + "; use values nearer the training range");
            }
            if (numbers.isEmpty()) {
                errors.add(r, "row", "the model returned no finite answer for this row");
            }
        }
        errors.throwIfAny();
    }

    private void closeQuietly() {
        AttributeExplainer explainer = structural;
        if (explainer != null) {
            explainer.close();
        }
        closeParts(source, session, binder, pinned);
    }

    /**
     * Closes a model's parts, the binder's shared tensors first (no run can use them any more), then the session,
     * whose failure to close is logged: used by a model that closes and by a load that failed before its model existed.
     */
    static void closeParts(String source, OrtSession session, InputBinder binder, PinnedOutputs pinned) {
        if (binder != null) {
            binder.close();
        }
        if (pinned != null) {
            pinned.close();
        }
        try {
            session.close();
        } catch (OrtException e) {
            LOG.log(System.Logger.Level.WARNING, "Closing the session of " + source + " failed", e);
        }
    }

    @Override
    public void close() {
        uses.releaseOwner();
    }

    @Override
    public String toString() {
        return "OnnxModel[" + card.name() + " " + sha256.substring(0, 12) + " from " + source + "]";
    }
}
