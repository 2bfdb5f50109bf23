package org.tabserve.web.v2;

import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.BooleanSchema;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.NumberSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tabserve.model.answer.AnswerField;
import org.tabserve.model.answer.AnswerShape;
import org.tabserve.model.answer.FieldType;
import org.tabserve.model.answer.FieldValue;
import org.tabserve.model.answer.RequestField;

/**
 * What an answer carries beside the outputs a request names, as more outputs and the answer's parameters, the same
 * for REST and gRPC, which each write them their own way: each described per-row field the request asked for
 * ({@link AnswerField}: explanation, uncertainty) and each request-level field the body carries
 * ({@link RequestField}), looped over in their described order.
 *
 * @param tensors    the outputs, after the predictions'
 * @param parameters the answer's parameters (empty: none)
 */
public record V2Extras(List<Tensor> tensors, Map<String, String> parameters) {

    /** The request-level fields the protocol carries in fields of its own: model_name, model_version, id. */
    private static final Set<RequestField> PROTOCOL_FIELDS =
            EnumSet.of(RequestField.MODEL_NAME, RequestField.MODEL_VERSION, RequestField.REQUEST_ID);

    /** How a field is written: its outputs, and any parameters it puts in the answer's. */
    @FunctionalInterface
    private interface Outputs {
        List<Tensor> of(V2Inference.Answer answer, Map<String, String> parameters);
    }

    /** The fields the protocol spells its own way; any other present field is written by its type ({@link #byType}). */
    private static final Map<AnswerField, Outputs> OWN_OUTPUTS = new EnumMap<>(AnswerField.class);

    static {
        // the outputs the request names, which each transport writes from the predictions; the display name and
        // warnings are for people and JSON's answers (the protocol's tensors carry the model's own outputs); the
        // protocol refuses a request with a bad row whole
        for (AnswerField none : List.of(
                AnswerField.LABEL,
                AnswerField.PROBABILITIES,
                AnswerField.VALUE,
                AnswerField.DISPLAY_NAME,
                AnswerField.WARNINGS,
                AnswerField.ERRORS)) {
            OWN_OUTPUTS.put(none, (answer, parameters) -> List.of());
        }
        OWN_OUTPUTS.put(AnswerField.EXPLANATION, (answer, parameters) -> {
            V2Inference.Explained explained = V2Inference.Explained.of(answer);
            parameters.putAll(explained.parameters());
            return explained.tensors();
        });
        OWN_OUTPUTS.put(AnswerField.INTERVAL, (answer, parameters) -> V2Coverage.interval(answer));
        OWN_OUTPUTS.put(AnswerField.PREDICTION_SET, (answer, parameters) -> List.of(V2Coverage.predictionSet(answer)));
        OWN_OUTPUTS.put(AnswerField.COVERAGE, (answer, parameters) -> List.of(V2Coverage.coverage(answer)));
        OWN_OUTPUTS.put(AnswerField.NOVELTY, (answer, parameters) -> List.of(V2Coverage.novelty(answer)));
    }

    /** One more output, with its values (Double or Boolean, as its datatype). */
    public record Tensor(V2Inference.Output output, List<?> values) {}

    /** @param answer a scored request's answer */
    public static V2Extras of(V2Inference.Answer answer) {
        List<Tensor> tensors = new ArrayList<>();
        Map<String, String> parameters = new LinkedHashMap<>();
        AnswerShape shape = shape(answer);
        for (AnswerField field : AnswerField.values()) {
            if (!field.present(shape, false)) {
                continue;
            }
            tensors.addAll(
                    OWN_OUTPUTS.getOrDefault(field, (a, p) -> byType(field, a)).of(answer, parameters));
        }
        if (answer.source() != null) {
            for (RequestField field : RequestField.values()) {
                if (field.inBody(answer.source()) && !PROTOCOL_FIELDS.contains(field)) {
                    parameters.put(field.key(), String.valueOf(field.value(answer.source())));
                }
            }
        }
        return new V2Extras(tensors, parameters);
    }

    /**
     * A field with no spelling of its own in the protocol, as outputs by its type: a number an FP64 {@code [N]}, a flag
     * a BOOL {@code [N]}, named numbers an FP64 {@code [N, names]}, a struct one such output per member named
     * {@code key_member}; the protocol's extra outputs carry numbers and flags, so texts and records are not among them.
     * The OIP document describes them from the same types ({@link #outputSchemas}).
     */
    private static List<Tensor> byType(AnswerField field, V2Inference.Answer answer) {
        List<FieldValue> values = new ArrayList<>(answer.scored().size());
        for (int r = 0; r < answer.scored().size(); r++) {
            values.add(field.value(answer.scored().row(r)));
        }
        return byType(field.key(), field.type(shape(answer)), values);
    }

    private static List<Tensor> byType(String name, FieldType type, List<FieldValue> values) {
        long n = values.size();
        return switch (type.kind()) {
            case NUMBER ->
                List.of(new Tensor(new V2Inference.Output(name, "FP64", List.of(n)), cells(values, -1, Double.NaN)));
            case FLAG ->
                List.of(new Tensor(new V2Inference.Output(name, "BOOL", List.of(n)), cells(values, -1, false)));
            case NAMED_NUMBERS -> {
                List<Object> cells = new ArrayList<>();
                int width = ((FieldType.NamedNumbers) type).names().size();
                for (int part = 0; part < width; part++) {
                    cells.addAll(cells(values, part, Double.NaN));
                }
                yield List.of(new Tensor(new V2Inference.Output(name, "FP64", List.of(n, (long) width)), cells));
            }
            case STRUCT -> {
                List<Tensor> tensors = new ArrayList<>();
                List<FieldType.Member> members = ((FieldType.Struct) type).members();
                for (int m = 0; m < members.size(); m++) {
                    List<FieldValue> parts = new ArrayList<>(values.size());
                    for (FieldValue value : values) {
                        parts.add(value == null ? null : value.part(m));
                    }
                    tensors.addAll(byType(
                            name + "_" + members.get(m).name(), members.get(m).type(), parts));
                }
                yield tensors;
            }
            case TEXT, TEXTS, RECORDS -> List.of();
        };
    }

    /**
     * @return the schemas of the outputs {@link #of} writes a field of this type as, by the outputs' names, in their
     *         order
     */
    static Map<String, Schema<?>> outputSchemas(String name, FieldType type) {
        return switch (type.kind()) {
            case NUMBER -> Map.of(name, outputSchema(name, "FP64", 1, "[N]", new NumberSchema()));
            case FLAG -> Map.of(name, outputSchema(name, "BOOL", 1, "[N]", new BooleanSchema()));
            case NAMED_NUMBERS -> Map.of(name, outputSchema(name, "FP64", 2, "[N, names]", new NumberSchema()));
            case STRUCT -> {
                Map<String, Schema<?>> schemas = new LinkedHashMap<>();
                for (FieldType.Member member : ((FieldType.Struct) type).members()) {
                    schemas.putAll(outputSchemas(name + "_" + member.name(), member.type()));
                }
                yield schemas;
            }
            case TEXT, TEXTS, RECORDS -> Map.of();
        };
    }

    /**
     * One output tensor's schema: its name, datatype, a shape of {@code rank} dimensions (said as {@code shapeText}
     * unless null) and its data's elements.
     */
    static ObjectSchema outputSchema(String name, String datatype, int rank, String shapeText, Schema<?> element) {
        return (ObjectSchema) new ObjectSchema()
                .addProperty("name", new StringSchema()._enum(List.of(name)))
                .addProperty("datatype", new StringSchema()._enum(List.of(datatype)))
                .addProperty(
                        "shape",
                        new ArraySchema()
                                .items(new IntegerSchema().format("int64"))
                                .minItems(rank)
                                .maxItems(rank)
                                .description(shapeText))
                .addProperty("data", new ArraySchema().items(element))
                .required(List.of("name", "datatype", "shape", "data"));
    }

    /** @return each value (its part {@code part}, or whole for -1) as a Double or Boolean; {@code none} for none */
    private static List<Object> cells(List<FieldValue> values, int part, Object none) {
        List<Object> cells = new ArrayList<>(values.size());
        for (FieldValue value : values) {
            FieldValue cell = value == null || part < 0 ? value : value.part(part);
            cells.add(
                    cell instanceof FieldValue.Flag flag
                            ? (Object) flag.flag()
                            : cell instanceof FieldValue.Number number
                                    ? number.number().doubleValue()
                                    : none);
        }
        return cells;
    }

    /** What the answer's rows carry: its model's task, and what the request asked for. */
    private static AnswerShape shape(V2Inference.Answer answer) {
        return AnswerShape.of(
                answer.classifier().signature(),
                answer.explanations() != null,
                answer.uncertainties() != null,
                answer.uncertainties() != null
                        && !answer.uncertainties().isEmpty()
                        && answer.uncertainties().get(0).novelty() != null);
    }
}
