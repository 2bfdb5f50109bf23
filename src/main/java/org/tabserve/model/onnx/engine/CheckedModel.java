package org.tabserve.model.onnx.engine;

import java.util.List;
import java.util.Set;
import org.tabserve.model.Engine;
import org.tabserve.model.Model;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;

/**
 * A model whose engine {@link PlainCheck} decides while it loads: it answers by ONNX Runtime alone, or by a plain
 * engine it is given, and is then told which engine answers its batches.
 */
public interface CheckedModel extends Model {

    /** @return the values a prediction reads from the graph, which a plain engine computes */
    Set<String> outputNames();

    /** @return the batch's answers from ONNX Runtime alone, a row with no finite answer null */
    List<Prediction> predictOnnxRuntime(Batch batch);

    /** @return rows {@code [from, from + count)} of the batch answered by {@code engine}, a row with none finite null */
    List<Prediction> predictPlain(PlainEngine engine, Batch batch, int from, int count);

    /**
     * From now on every batch runs on {@code plain} (none: null), with {@code engine} saying which engine answers and
     * why.
     */
    void use(PlainEngine plain, Engine engine);
}
