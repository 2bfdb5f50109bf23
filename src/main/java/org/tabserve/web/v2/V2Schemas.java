package org.tabserve.web.v2;

import static org.tabserve.web.openapi.OpenApi.oneOf;
import static org.tabserve.web.openapi.OpenApi.ref;

import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.BooleanSchema;
import io.swagger.v3.oas.models.media.ComposedSchema;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.NumberSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tabserve.model.answer.AnswerField;
import org.tabserve.model.answer.AnswerShape;
import org.tabserve.model.answer.RequestField;
import org.tabserve.model.explain.Explanation;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.ValueOutput;
import org.tabserve.web.openapi.DerivedSchemas;
import org.tabserve.web.openapi.DescribedModel;

/**
 * The Open Inference Protocol's schemas for {@link V2OpenApi}: metadata, the repository index, and the infer request
 * and answer typed by the model (one tensor per input, with its datatypes and element kind; a classifier's label and
 * probabilities or a regressor's value), with an example request Swagger UI can send as it is.
 */
final class V2Schemas {

    /** The schema of the protocol's error, {@code {"error": "..."}}. */
    static final String ERROR = "V2Error";

    private V2Schemas() {}

    @SuppressWarnings("rawtypes") // swagger-core's Components holds raw schemas
    static void addTo(DescribedModel model, Map<String, Schema> schemas) {
        schemas.put(
                ERROR,
                new ObjectSchema().addProperty("error", new StringSchema()).addRequiredItem("error"));
        schemas.put("V2ServerMetadata", DerivedSchemas.of(V2Json.ServerMetadata.class));
        schemas.put("V2Live", DerivedSchemas.of(V2Json.Live.class));
        schemas.put("V2Ready", DerivedSchemas.of(V2Json.Ready.class));
        schemas.put("V2ModelReady", DerivedSchemas.of(V2Json.ModelReady.class));
        schemas.put("V2TensorMetadata", DerivedSchemas.of(V2Json.TensorMetadata.class));
        schemas.put("V2ModelMetadata", DerivedSchemas.of(V2Json.ModelMetadata.class));
        schemas.put("V2IndexEntry", DerivedSchemas.of(V2Json.IndexEntry.class));
        Schema<?> stat = DerivedSchemas.of(V2Json.ModelStat.class);
        Schema<?> inference = stat.getProperties().get("inference_stats");
        inference.addProperty(
                "fail",
                DerivedSchemas.of(V2Json.DurationStat.class)
                        .required(null)
                        .description("requests for the model refused or failed, and their total time"));
        inference.getProperties().get("success").description("requests that scored, and their total time");
        schemas.put("V2ModelStat", stat);
        inferRequest(model, schemas);
        inferResponse(model, schemas);
    }

    @SuppressWarnings("rawtypes")
    private static void inferRequest(DescribedModel model, Map<String, Schema> schemas) {
        ModelSignature signature = model.signature();
        Schema<?> parameters = new ObjectSchema().description("key/value parameters; accepted and ignored");
        // Tensor data by element kind: flat, or nested as the shape says, row-major (a schema may refer to itself).
        schemas.put("V2TensorData", tensorData("V2TensorData", new NumberSchema()));
        schemas.put(
                "V2NullableTensorData",
                tensorData(
                        "V2NullableTensorData",
                        new NumberSchema().nullable(true).description("null for a missing value")));
        schemas.put("V2IntegerTensorData", tensorData("V2IntegerTensorData", new IntegerSchema().format("int64")));
        schemas.put("V2BytesTensorData", tensorData("V2BytesTensorData", new StringSchema()));
        schemas.put("V2BoolTensorData", tensorData("V2BoolTensorData", new BooleanSchema()));
        List<Schema> inputs = new ArrayList<>();
        for (ModelInput input : signature.inputs()) {
            inputs.add(input(input, parameters));
        }
        schemas.put("V2RequestInput", inputs.size() == 1 ? inputs.get(0) : new ComposedSchema().oneOf(inputs));
        ValueOutput valueOutput = model.valueOutput();
        List<String> outputs =
                valueOutput != null ? List.of(valueOutput.name()) : V2InferRequestParser.CLASSIFIER_OUTPUTS;
        schemas.put(
                "V2RequestOutput",
                new ObjectSchema()
                        .addProperty("name", new StringSchema()._enum(outputs))
                        .addProperty("parameters", parameters)
                        .addRequiredItem("name"));
        ObjectSchema asked = new ObjectSchema();
        asked.description("key/value parameters: \"explain\": true"
                        + " adds each row's explanation as the outputs explanation_base_value, explanation_output"
                        + " and explanation_contributions (FP64, [N] and [N, F]), and says what they explain and how"
                        + " in the answer's parameters; "
                        + V2Coverage.parameterText(model.card().conformal())
                        + "; the others are accepted and ignored")
                .addProperty("explain", new BooleanSchema()._default(false));
        if (model.card().conformal() != null) {
            asked.addProperty("coverage", V2Coverage.parameterSchema());
        }
        ObjectSchema request = new ObjectSchema();
        request.addProperty("id", new StringSchema())
                .addProperty("parameters", asked)
                .addProperty(
                        "inputs",
                        new ArraySchema()
                                .minItems(signature.inputs().size())
                                .maxItems(signature.inputs().size())
                                .items(ref("V2RequestInput"))
                                .description("one tensor per model input: "
                                        + signature.inputs().stream()
                                                .map(ModelInput::name)
                                                .toList()))
                .addProperty("outputs", new ArraySchema().items(ref("V2RequestOutput")))
                .addRequiredItem("inputs");
        request.example(V2ExampleRequest.of(model));
        schemas.put("V2InferRequest", request);
    }

    /**
     * The infer answer: the request-level fields the protocol carries ({@link RequestField}), then the parameters and
     * outputs the described per-row fields are written as ({@link AnswerField}), each looped over in its order.
     */
    @SuppressWarnings("rawtypes")
    private static void inferResponse(DescribedModel model, Map<String, Schema> schemas) {
        ObjectSchema response = new ObjectSchema();
        ObjectSchema parameters = new ObjectSchema();
        parameters.description(
                "the served model file's SHA-256; the explanation's two only when explanations were asked");
        for (RequestField field : RequestField.values()) {
            ObjectSchema into = switch (field) {
                case MODEL_NAME, MODEL_VERSION, REQUEST_ID -> response;
                case MODEL_SHA256 -> parameters; // in every answer
                case ENGINE -> null; // never in an answer's body (RequestField.inBody)
                // a sampled trace's; and any other field the body carries, as V2Extras writes it
                default -> parameters;
            };
            if (into != null) {
                // the protocol's name for the request's id
                into.addProperty(field == RequestField.REQUEST_ID ? "id" : field.key(), new StringSchema());
            }
        }
        List<Schema> outputs = new ArrayList<>();
        AnswerShape shape = model.answerShape(true);
        for (AnswerField field : AnswerField.values()) {
            if (!field.present(shape, false)) {
                continue;
            }
            List<Schema<?>> these = switch (field) {
                case LABEL ->
                    List.of(output(
                            schemas,
                            "V2LabelOutput",
                            V2Json.LABEL_OUTPUT,
                            "BYTES",
                            1,
                            null,
                            new StringSchema()._enum(model.signature().classLabels())));
                // No format: the request validator's float check refuses small numbers such as 0.00040395252.
                case PROBABILITIES ->
                    List.of(output(
                            schemas,
                            "V2ProbabilitiesOutput",
                            V2Json.PROBABILITIES_OUTPUT,
                            "FP32",
                            2,
                            null,
                            new NumberSchema().minimum(BigDecimal.ZERO).maximum(BigDecimal.ONE)));
                // No format: the request validator's float check refuses small numbers written in full.
                case VALUE -> {
                    ValueOutput value = model.valueOutput();
                    yield List.of(output(
                            schemas,
                            "V2ValueOutput",
                            value.name(),
                            value.type().v2Name(),
                            2,
                            "[N, 1]",
                            new NumberSchema()));
                }
                // for people and JSON's answers: the protocol's tensors carry the model's own outputs
                case DISPLAY_NAME, WARNINGS -> List.of();
                case EXPLANATION -> {
                    explained(parameters);
                    yield List.of();
                }
                // the outputs a coverage adds, as V2Coverage writes them, for a model whose card can answer one
                case INTERVAL, PREDICTION_SET, COVERAGE, NOVELTY ->
                    named(schemas, V2Coverage.outputSchemas(field, model.card().conformal()));
                // the protocol refuses a request with a bad row whole
                case ERRORS -> List.of();
                // a field with no spelling of its own here: the outputs its type is written as (V2Extras)
                default -> named(schemas, V2Extras.outputSchemas(field.key(), field.type(shape)));
            };
            outputs.addAll(these);
        }
        schemas.put(
                "V2InferResponse",
                response.addProperty("parameters", parameters)
                        .addProperty(
                                "outputs",
                                new ArraySchema()
                                        .items(
                                                outputs.size() == 1
                                                        ? outputs.get(0)
                                                        : new ComposedSchema().oneOf(outputs)))
                        .required(List.of("model_name", "outputs")));
    }

    /** Puts one output tensor's schema ({@link V2Extras#outputSchema}). @return a reference to it */
    @SuppressWarnings("rawtypes")
    private static Schema<?> output(
            Map<String, Schema> schemas,
            String schema,
            String name,
            String datatype,
            int rank,
            String shapeText,
            Schema<?> element) {
        schemas.put(schema, V2Extras.outputSchema(name, datatype, rank, shapeText, element));
        return ref(schema);
    }

    /** Puts each output's schema under its name in the document ({@link #named}). @return references to them */
    @SuppressWarnings("rawtypes")
    private static List<Schema<?>> named(Map<String, Schema> schemas, Map<String, Schema<?>> outputs) {
        List<Schema<?>> named = new ArrayList<>();
        outputs.forEach((name, output) -> named.add(named(schemas, name, output)));
        return named;
    }

    /**
     * Puts the schema of the output {@code name} under the name the document gives each output ({@code V2ScoredAtOutput}
     * for {@code scored_at}). @return a reference to it
     */
    @SuppressWarnings("rawtypes")
    private static Schema<?> named(Map<String, Schema> schemas, String name, Schema<?> output) {
        StringBuilder schema = new StringBuilder("V2");
        for (String word : name.split("_")) {
            if (!word.isEmpty()) {
                schema.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
            }
        }
        schemas.put(schema.append("Output").toString(), output);
        return ref(schema.toString());
    }

    /** The answer's parameters that say what the explanation outputs are and how they were computed. */
    private static void explained(ObjectSchema parameters) {
        parameters
                .addProperty(
                        V2Inference.EXPLAINED_PARAMETER,
                        new StringSchema()
                                ._enum(List.of(Explanation.PROBABILITY, Explanation.MARGIN, Explanation.VALUE))
                                .description(
                                        "what"
                                                + " explanation_output and the contributions are: the predicted class's probability,"
                                                + " its margin (raw score before the sigmoid or softmax), or a regressor's value"))
                .addProperty(
                        V2Inference.METHOD_PARAMETER,
                        new StringSchema()
                                ._enum(Explanation.METHODS)
                                .description("how they were computed: exact (every coalition), permutation (sampled,"
                                        + " still adding up), tree (TreeSHAP) or linear (closed form)"));
    }

    private static Schema<?> tensorData(String name, Schema<?> element) {
        return new ArraySchema()
                .description("values flat, or nested as the shape says, row-major")
                .items(oneOf(element, ref(name)));
    }

    /** One model input's tensor: its name, the shapes and datatypes it takes, and data of its element kind. */
    private static Schema<?> input(ModelInput input, Schema<?> parameters) {
        String data = switch (input.type()) {
            case FLOAT, DOUBLE ->
                input.features().stream().anyMatch(Feature::missingAllowed) ? "V2NullableTensorData" : "V2TensorData";
            case INT64, INT32 -> "V2IntegerTensorData";
            case STRING -> "V2BytesTensorData";
            case BOOL -> "V2BoolTensorData";
        };
        boolean column = input.width() == 1;
        return new ObjectSchema()
                .description("input '" + input.name() + "': " + input.type().v2Name() + ", shape "
                        + (column
                                ? "[N, 1] or [N]"
                                : "[N, " + input.width() + "], columns "
                                        + input.features().stream()
                                                .map(Feature::name)
                                                .toList()))
                .addProperty("name", new StringSchema()._enum(List.of(input.name())))
                .addProperty(
                        "shape",
                        new ArraySchema()
                                .items(new IntegerSchema().format("int64").minimum(BigDecimal.ZERO))
                                .minItems(column ? 1 : 2)
                                .maxItems(2)
                                .description(column ? "[N, 1] or [N]" : "[N, " + input.width() + "]"))
                .addProperty("datatype", new StringSchema()._enum(V2Values.datatypes(input.type())))
                .addProperty("parameters", parameters)
                .addProperty("data", ref(data))
                .required(List.of("name", "shape", "datatype", "data"));
    }
}
