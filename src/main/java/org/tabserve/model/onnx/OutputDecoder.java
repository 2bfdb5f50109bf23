package org.tabserve.model.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tabserve.model.CardKeys;
import org.tabserve.model.ModelException;
import org.tabserve.model.ModelSignature;
import org.tabserve.model.OutputKind;
import org.tabserve.model.Prediction;
import org.tabserve.model.onnx.graph.ml.PostTransform;

/**
 * Turns what the graph returned for some rows into {@link Prediction}s: probabilities from a float tensor (softmax or
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
            List<Prediction> values = new ArrayList<>(rows);
            if (result.isDouble(name)) {
                double[] buffer = result.doubles(name);
                for (int r = 0; r < rows; r++) {
                    values.add(finite(buffer[r]) ? new Prediction.Regression(buffer[r]) : null);
                }
            } else {
                float[] buffer = result.floats(name);
                for (int r = 0; r < rows; r++) {
                    values.add(finite(buffer[r]) ? new Prediction.Regression(buffer[r]) : null);
                }
            }
            return values;
        }
        List<String> classes = signature.classLabels();
        int classCount = classes.size();
        double[][] probabilities = new double[rows][classCount];
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
            int at = 0;
            for (int r = 0; r < rows; r++) {
                if (width == 1) {
                    double p = signature.logits() ? PostTransform.logistic(values[at++]) : values[at++];
                    probabilities[r][0] = 1 - p;
                    probabilities[r][1] = p;
                } else {
                    for (int c = 0; c < classCount; c++) {
                        probabilities[r][c] = values[at++];
                    }
                    if (signature.logits()) {
                        PostTransform.SOFTMAX.apply(probabilities[r], 0, classCount);
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
                    probabilities[r][c] = zipMapColumns[c] < 0 ? 0 : values[r * width + zipMapColumns[c]];
                }
            }
        } else {
            List<Map<?, ?>> maps = result.maps(outputs.zipMap(), rows);
            for (int r = 0; r < rows; r++) {
                Map<?, ?> map = maps.get(r);
                for (int c = 0; c < classCount; c++) {
                    Object p = map.get(zipMapKeys.get(c));
                    probabilities[r][c] = p == null ? 0 : ((Number) p).doubleValue();
                }
            }
        }
        String[] labels = outputs.label() == null ? null : labels(result, rows);
        List<Prediction> predictions = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            if (!allFinite(probabilities[r])) {
                predictions.add(null);
                continue;
            }
            if (!signature.logits() && !allProbabilities(probabilities[r])) {
                throw ModelException.predictionFailed(
                        "output '" + outputs.probabilities() + "' gave "
                                + Arrays.toString(probabilities[r])
                                + ", which are not probabilities; if the model returns"
                                + " logits, set '" + CardKeys.SCORES + "' = logits in its metadata",
                        null);
            }
            String label = labels != null ? labels[r] : classes.get(argMax(probabilities[r]));
            if (labels != null && !classes.contains(label)) {
                throw ModelException.predictionFailed(
                        "the model's label output gave '" + label
                                + "', which is not one of its classes " + classes + "; set '" + CardKeys.CLASSES
                                + "' in its metadata",
                        null);
            }
            predictions.add(new Prediction.Classification(label, classes, boxed(probabilities[r])));
        }
        return predictions;
    }

    /**
     * A row's probabilities as the immutable list a prediction keeps (which it then takes as it is, without a copy):
     * a model's batch answer makes one per row.
     */
    private static List<Double> boxed(double[] probabilities) {
        if (probabilities.length == 2) {
            return List.of(probabilities[0], probabilities[1]);
        }
        Double[] boxed = new Double[probabilities.length];
        for (int c = 0; c < boxed.length; c++) {
            boxed[c] = probabilities[c];
        }
        return List.of(boxed);
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

    private static boolean finite(double value) {
        return Double.isFinite(value);
    }

    private static boolean allFinite(double[] values) {
        for (double value : values) {
            if (!Double.isFinite(value)) {
                return false;
            }
        }
        return true;
    }

    /** Probabilities within float rounding of [0, 1]. */
    private static boolean allProbabilities(double[] values) {
        for (double value : values) {
            if (value < -1e-6 || value > 1 + 1e-6) {
                return false;
            }
        }
        return true;
    }

    private static int argMax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
