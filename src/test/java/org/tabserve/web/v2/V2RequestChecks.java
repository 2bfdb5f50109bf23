package org.tabserve.web.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.web.http.HttpProblem;

/**
 * The checks of the shared request code ({@link V2RequestReader}, {@link V2Values}) for the tests of a transport that
 * builds its own {@link V2Request}: gRPC's ({@code web.v2.grpc}) and the fuzz tests that read its messages.
 */
public final class V2RequestChecks {

    private V2RequestChecks() {}

    /**
     * A request checked as the inference routes check it, against a classifier's outputs.
     *
     * @throws HttpProblem 400 or 413 as the reader refuses it
     */
    public static V2InferRequestParser.V2InferRequest read(V2Request request, ModelSignature signature, int maxRows) {
        return new V2RequestReader(signature, V2InferRequestParser.CLASSIFIER_OUTPUTS, maxRows).read(request);
    }

    /**
     * Compares each value's cell (and, for a number input that needs a value, its number) with REST's, for every input
     * of {@link V2InferRequestParserTest#TYPED} that takes {@code datatype}.
     *
     * @return how many values were compared
     */
    public static int sameAsRest(String datatype, V2Request.Values values) {
        int compared = 0;
        for (ModelInput input : V2InferRequestParserTest.TYPED.inputs()) {
            if (!V2Values.datatypes(input.type()).contains(datatype)) {
                continue;
            }
            var feature = input.features().get(0);
            for (int i = 0; i < values.size(); i++) {
                int index = i;
                String what = datatype + " value " + values.get(i) + " for input " + input.name();
                assertEquals(
                        outcome(() -> V2Values.cell(values.get(index), datatype, input, feature, index)),
                        outcome(() -> values.cell(index, datatype, input, feature)),
                        what);
                if (input.type().isNumber()
                        && !feature.missingAllowed()
                        && !input.type().name().startsWith("INT")) {
                    assertEquals(
                            outcome(() -> V2Values.cell(values.get(index), datatype, input, feature, index)),
                            outcome(() -> values.number(index, datatype, input, feature)),
                            what + " (unboxed)");
                }
                compared++;
            }
        }
        return compared;
    }

    /** The cell as a comparable value (a number as its double's bits), or the words it was refused with. */
    private static Object outcome(java.util.function.Supplier<Object> cell) {
        try {
            Object value = cell.get();
            return value instanceof Double d
                    ? "double " + Double.doubleToRawLongBits(d)
                    : value instanceof Long l ? "long " + l : value;
        } catch (HttpProblem e) {
            return "refused " + e.status() + ": " + e.detail();
        }
    }
}
