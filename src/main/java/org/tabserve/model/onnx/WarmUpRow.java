package org.tabserve.model.onnx;

import java.util.List;
import java.util.Map;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.FeatureStats;
import org.tabserve.model.signature.ModelSignature;

/** The one valid row a load predicts to warm a model up and to probe its outputs with. */
final class WarmUpRow {

    /** The text of a text input that names no categories: any non-empty text is a value of it. */
    private static final String ANY_TEXT = "text";

    private WarmUpRow() {}

    /**
     * One valid row for a warm-up: training means, known categories, else zeros, a word and false (a word, not "",
     * which is a missing value that a text input takes only by its card).
     */
    static Object[] of(ModelSignature signature, Map<String, FeatureStats> stats) {
        List<Feature> features = signature.features();
        Object[] row = new Object[features.size()];
        for (int i = 0; i < row.length; i++) {
            Feature feature = features.get(i);
            FeatureStats s = stats.get(feature.name());
            row[i] = switch (feature.type()) {
                case FLOAT, DOUBLE -> s == null ? 0.0 : s.mean();
                case INT64, INT32 ->
                    feature.categories().isEmpty()
                            ? 0L
                            : Long.parseLong(feature.categories().get(0));
                case STRING ->
                    feature.categories().isEmpty()
                            ? ANY_TEXT
                            : feature.categories().get(0);
                case BOOL -> Boolean.FALSE;
            };
        }
        return row;
    }
}
