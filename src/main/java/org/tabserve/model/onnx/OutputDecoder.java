package org.tabserve.model.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.onnx.graph.ml.PostTransform;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.OutputKind;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.PredictionColumns;

/**
 * Turns what the graph returned for some rows into their predictions, held as columns ({@link PredictionColumns}):
 * probabilities from a float tensor (softmax or
 * sigmoid applied to logits; one column is the second class's probability), from a ZipMap, with the graph's own label
 * where it gives one, or a regressor's values. Never serves a value outside [0, 1] as a probability.
 */
final class OutputDecoder {

    private final ModelSignature signature;
    private final SignatureReader.Outputs outputs;
    /** For a ZipMap output: the map key of each class, in class order (Long or String). */
    private final List<Object> zipMapKeys;
    /** The ZipMap's tensor, read in place of its maps; null when the maps are read. */
    private final ZipMapProbabilities zipMapTensor;
    /** With {@link #zipMapTensor}: the tensor column of each class, in class order. */
    private final int[] zipMapColumns;
    /** Each class's place in the signature's class list, for the model's label output. */
    private final Map<String, Integer> classIndex = new HashMap<>();

    OutputDecoder(ModelSignature signature, SignatureReader.Outputs outputs, List<Object> zipMapKeys) {
        this(signature, outputs, zipMapKeys, null);
    }

    OutputDecoder(
            ModelSignature signature,
            SignatureReader.Outputs outputs,
            List<Object> zipMapKeys,
            ZipMapProbabilities zipMapTensor) {
        this.signature = signature;
        this.outputs = outputs;
        this.zipMapKeys = zipMapKeys;
        this.zipMapTensor = zipMapTensor;
        this.zipMapColumns = zipMapTensor == null ? null : columns(zipMapTensor, zipMapKeys);
        List<String> classes = signature.classLabels();
        for (int c = classes.size() - 1; c >= 0; c--) {
            classIndex.put(classes.get(c), c); // the first of a repeated label, as List.indexOf
        }
    }

    /** Each class's column in the ZipMap's tensor: where its key stands in the ZipMap's labels (-1: none, 0). */
    private static int[] columns(ZipMapProbabilities zipMapTensor, List<Object> zipMapKeys) {
        int[] columns = new int[zipMapKeys.size()];
        for (int c = 0; c < columns.length; c++) {
            columns[c] = zipMapTensor.columns().indexOf(String.valueOf(zipMapKeys.get(c)));
        }
        return columns;
    }

    /**
     * Decodes the first {@code rows} rows of a result (a padded fixed batch has more).
     *
     * @return one prediction per row; a row whose scores are not finite is null, for the caller to blame its values
     */
    List<Prediction> decode(RunOutputs result, int rows) throws OrtException {
        if (outputs.kind() == OutputKind.VALUE) {
            String name = outputs.probabilities();
            double[] values = new double[rows];
            if (result.isDouble(name)) {
                System.arraycopy(result.doubles(name), 0, values, 0, rows);
            } else {
                float[] buffer = result.floats(name);
                for (int r = 0; r < rows; r++) {
                    values[r] = buffer[r];
                }
            }
            return PredictionColumns.regressed(values); // a value that is not finite is a row with no answer
        }
        List<String> classes = signature.classLabels();
        int classCount = classes.size();
        double[] probabilities = new double[rows * classCount];
        if (outputs.probabilities() != null) {
            float[] values = result.floats(outputs.probabilities());
            long[] shape = result.shape(outputs.probabilities());
            int width = shape.length < 2 ? 1 : (int) shape[1];
            if (shape[0] < rows || (width != classCount && !(width == 1 && classCount == 2))) {
                throw ModelException.predictionFailed(
                        "output '" + outputs.probabilities() + "' has shape " + Arrays.toString(shape) + " for " + rows
                                + " rows and " + classCount + " classes",
                        null);
            }
            if (width == 1) {
                for (int r = 0; r < rows; r++) {
                    double p = signature.logits() ? PostTransform.logistic(values[r]) : values[r];
                    probabilities[2 * r] = 1 - p;
                    probabilities[2 * r + 1] = p;
                }
            } else {
                for (int i = 0; i < rows * classCount; i++) {
                    probabilities[i] = values[i];
                }
                if (signature.logits()) {
                    for (int r = 0; r < rows; r++) {
                        PostTransform.SOFTMAX.apply(probabilities, r * classCount, (r + 1) * classCount);
                    }
                }
            }
        } else if (zipMapTensor != null) {
            float[] values = result.floats(zipMapTensor.tensor());
            long[] shape = result.shape(zipMapTensor.tensor());
            int width = zipMapTensor.columns().size();
            if (shape.length != 2 || shape[0] < rows || shape[1] != width) {
                throw ModelException.predictionFailed(
                        "output '" + zipMapTensor.tensor() + "' has shape " + Arrays.toString(shape) + " for " + rows
                                + " rows and " + width + " ZipMap labels",
                        null);
            }
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < classCount; c++) {
                    probabilities[r * classCount + c] = zipMapColumns[c] < 0 ? 0 : values[r * width + zipMapColumns[c]];
                }
            }
        } else {
            List<Map<?, ?>> maps = result.maps(outputs.zipMap(), rows);
            for (int r = 0; r < rows; r++) {
                Map<?, ?> map = maps.get(r);
                for (int c = 0; c < classCount; c++) {
                    Object p = map.get(zipMapKeys.get(c));
                    probabilities[r * classCount + c] = p == null ? 0 : ((Number) p).doubleValue();
                }
            }
        }
        String[] labels = outputs.label() == null ? null : labels(result, rows);
        int[] classOf = new int[rows];
        for (int r = 0; r < rows; r++) {
            int from = r * classCount;
            if (!allFinite(probabilities, from, classCount)) {
                classOf[r] = PredictionColumns.NO_ANSWER;
                continue;
            }
            if (!signature.logits() && !allProbabilities(probabilities, from, classCount)) {
                throw ModelException.predictionFailed(
                        "output '" + outputs.probabilities() + "' gave "
                                + Arrays.toString(Arrays.copyOfRange(probabilities, from, from + classCount))
                                + ", which are not probabilities; if the model returns"
                                + " logits, set '" + CardKeys.SCORES + "' = logits in its metadata",
                        null);
            }
            if (labels == null) {
                classOf[r] = argMax(probabilities, from, classCount);
                continue;
            }
            Integer at = labels[r] == null ? null : classIndex.get(labels[r]);
            if (at == null) {
                throw ModelException.predictionFailed(
                        "the model's label output gave '" + labels[r]
                                + "', which is not one of its classes " + classes + "; set '" + CardKeys.CLASSES
                                + "' in its metadata",
                        null);
            }
            classOf[r] = at;
        }
        return PredictionColumns.classified(classes, classOf, probabilities);
    }

    private String[] labels(RunOutputs result, int rows) throws OrtException {
        if (outputs.labelType() == OnnxJavaType.INT64) {
            long[] values = result.longs(outputs.label());
            String[] labels = new String[rows];
            for (int r = 0; r < rows; r++) {
                labels[r] = Long.toString(values[r]);
            }
            return labels;
        }
        return result.strings(outputs.label(), rows);
    }

    private static boolean allFinite(double[] values, int from, int count) {
        for (int i = from; i < from + count; i++) {
            if (!Double.isFinite(values[i])) {
                return false;
            }
        }
        return true;
    }

    /** Probabilities within float rounding of [0, 1]. */
    private static boolean allProbabilities(double[] values, int from, int count) {
        for (int i = from; i < from + count; i++) {
            if (values[i] < -1e-6 || values[i] > 1 + 1e-6) {
                return false;
            }
        }
        return true;
    }

    private static int argMax(double[] values, int from, int count) {
        int best = 0;
        for (int i = 1; i < count; i++) {
            if (values[from + i] > values[from + best]) {
                best = i;
            }
        }
        return best;
    }
}
