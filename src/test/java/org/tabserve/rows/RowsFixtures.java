package org.tabserve.rows;

import java.util.List;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.OutputKind;
import org.tabserve.model.signature.Task;
import org.tabserve.model.signature.ValueType;

/** The model signatures the readers' tests share, here and in the web layer's tests of the routes that use them. */
public final class RowsFixtures {

    /** The bank-note model: four floats, two classes. */
    public static final ModelSignature SIGNATURE = ModelSignature.floatClassifier(
            "input",
            List.of("variance", "skewness", "curtosis", "entropy"),
            List.of("0", "1"),
            OutputKind.PROBABILITIES);

    /**
     * A model of typed column inputs, as skl2onnx exports them: text with known categories (unknown ones taken with a
     * warning), a float that may be missing, a whole number, text of two categories only, a boolean.
     */
    public static final ModelSignature TYPED = new ModelSignature(
            List.of(
                    column(new Feature(
                            "island", ValueType.STRING, false, List.of("Biscoe", "Dream", "Torgersen"), false)),
                    column(new Feature("bill_length_mm", ValueType.FLOAT, true, List.of(), false)),
                    column(new Feature("flipper_length_mm", ValueType.INT64, false, List.of(), false)),
                    column(new Feature("sex", ValueType.STRING, false, List.of("FEMALE", "MALE"), true)),
                    column(new Feature("tagged", ValueType.BOOL, false, List.of(), false))),
            Task.REGRESSION,
            List.of(),
            OutputKind.VALUE,
            false,
            0);

    /**
     * A classifier of typed columns: island (text, unknown values taken), sex (FEMALE or MALE only), count (int64),
     * mass (a float that may be missing), adult (a boolean).
     */
    public static final ModelSignature TYPED_CELLS = new ModelSignature(
            List.of(
                    column(new Feature("island", ValueType.STRING, false, List.of("Biscoe", "Dream"), false)),
                    column(new Feature("sex", ValueType.STRING, false, List.of("FEMALE", "MALE"), true)),
                    column(new Feature("count", ValueType.INT64, false, List.of(), false)),
                    column(new Feature("mass", ValueType.FLOAT, true, List.of(), false)),
                    column(new Feature("adult", ValueType.BOOL, false, List.of(), false))),
            Task.CLASSIFICATION,
            List.of("a", "b"),
            OutputKind.PROBABILITIES,
            false,
            0);

    private RowsFixtures() {}

    private static ModelInput column(Feature feature) {
        return new ModelInput(feature.name(), feature.type(), List.of(feature), 2);
    }
}
