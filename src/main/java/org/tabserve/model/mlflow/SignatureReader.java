package org.tabserve.model.mlflow;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads MLmodel's {@code signature}: {@code inputs} and {@code outputs}, each a JSON text inside the YAML, either
 * column-based ({@code [{"type": "double", "name": "x", "required": true}, …]}) or tensor-based ({@code [{"type":
 * "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1, 4]}}]}). A column of a type that is not a scalar (array,
 * object, map, any) is refused: tabserve serves rows of single values.
 */
final class SignatureReader {

    /** The most dimensions of one tensor. */
    private static final int MAX_RANK = 32;

    private SignatureReader() {}

    static Optional<MlflowSignature> read(Map<String, Object> mlmodel, MlflowLimits limits) {
        Map<String, Object> signature = MlmodelYaml.mapping(mlmodel, "MLmodel", "signature");
        if (signature == null) {
            return Optional.empty();
        }
        MlflowSchema inputs = schema(signature, "inputs", limits);
        MlflowSchema outputs = schema(signature, "outputs", limits);
        if (!inputs.isPresent() && !outputs.isPresent()) {
            return Optional.empty();
        }
        return Optional.of(new MlflowSignature(inputs, outputs));
    }

    private static MlflowSchema schema(Map<String, Object> signature, String side, MlflowLimits limits) {
        String field = "signature." + side;
        Object text = signature.get(side);
        if (text == null) {
            return MlflowSchema.NONE;
        }
        if (!(text instanceof String json)) {
            throw new MlflowFormatException(field + " is not a JSON text, as MLflow writes it");
        }
        Object parsed = new BoundedJson(
                        field, limits.maxMlmodelBytes(), limits.maxNesting(), 6 * limits.maxColumns() + 16)
                .read(json);
        if (!(parsed instanceof List<?> specs)) {
            throw new MlflowFormatException(field + " is not a JSON array of columns or tensors");
        }
        if (specs.size() > limits.maxColumns()) {
            throw new MlflowFormatException(field + " has more than " + limits.maxColumns() + " columns");
        }
        List<MlflowColumn> columns = new ArrayList<>();
        List<MlflowTensor> tensors = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < specs.size(); i++) {
            if (!(specs.get(i) instanceof Map<?, ?> spec)) {
                throw new MlflowFormatException(field + ": entry " + (i + 1) + " is not a JSON object");
            }
            Object type = spec.get("type");
            if (!(type instanceof String typeName)) {
                throw new MlflowFormatException(field + ": entry " + (i + 1) + " has no type");
            }
            String name = name(field, i, spec.get("name"));
            if (typeName.equals("tensor")) {
                tensors.add(tensor(field, i, name, spec.get("tensor-spec")));
                continue;
            }
            int position = i + 1;
            MlflowType scalar = MlflowType.of(typeName)
                    .orElseThrow(() -> new MlflowFormatException(field + ": column " + position + " has type '"
                            + (typeName.matches("[a-z]{1,16}") ? typeName : "?")
                            + "', not a single value (boolean, integer, long, float, double, string, binary,"
                            + " datetime); tabserve serves rows of single values"));
            String columnName = name != null ? name : String.valueOf(i);
            if (!names.add(columnName)) {
                throw new MlflowFormatException(field + ": column " + (i + 1) + " repeats an earlier column's name");
            }
            Object required = spec.get("required");
            if (required != null && !(required instanceof Boolean)) {
                throw new MlflowFormatException(field + ": column " + (i + 1) + "'s required is not true or false");
            }
            columns.add(new MlflowColumn(columnName, scalar, !Boolean.FALSE.equals(required)));
        }
        if (!columns.isEmpty() && !tensors.isEmpty()) {
            throw new MlflowFormatException(field + " mixes columns and tensors, which MLflow never writes");
        }
        return new MlflowSchema(columns, tensors);
    }

    private static String name(String field, int i, Object name) {
        if (name == null) {
            return null;
        }
        if (!(name instanceof String text) || text.isEmpty()) {
            throw new MlflowFormatException(field + ": entry " + (i + 1) + "'s name is not a text");
        }
        return text;
    }

    private static MlflowTensor tensor(String field, int i, String name, Object spec) {
        String where = field + ": tensor " + (i + 1);
        if (!(spec instanceof Map<?, ?> tensorSpec)) {
            throw new MlflowFormatException(where + " has no tensor-spec object");
        }
        if (!(tensorSpec.get("dtype") instanceof String dtype) || !dtype.matches("[a-z0-9_]{1,16}")) {
            throw new MlflowFormatException(where + " has no numpy dtype");
        }
        if (!(tensorSpec.get("shape") instanceof List<?> dims) || dims.size() > MAX_RANK) {
            throw new MlflowFormatException(where + "'s shape is not a list of at most " + MAX_RANK + " dimensions");
        }
        List<Long> shape = new ArrayList<>();
        for (Object dim : dims) {
            if (!(dim instanceof Long size) || size < -1) {
                throw new MlflowFormatException(where + "'s shape holds a dimension that is not -1 or a size");
            }
            shape.add(size);
        }
        return new MlflowTensor(name, dtype, shape);
    }
}
