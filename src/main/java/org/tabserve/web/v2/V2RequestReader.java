package org.tabserve.web.v2;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.FieldError;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.ValueType;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.web.http.HttpProblem;

/**
 * Checks an Open Inference Protocol inference request, as either transport delivered it ({@link V2Request}), against
 * the model and turns it into a checked {@link Batch}: one tensor per model input, named as the graph's input (or
 * only in another case, {@link V2Names}), none missing or repeated; each tensor's shape, datatype and length by
 * {@link V2Tensor} and each value by {@link V2Values}; the outputs asked for. The tensors' values become rows, which {@link Batch#of} (or, for a model
 * of plain numbers, {@link Batch#ofNumbers}) checks as every route does; a value it refuses is a 400 naming its input
 * and row. REST and gRPC refuse alike because both end here.
 */
public final class V2RequestReader {

    private final ModelSignature signature;
    private final List<String> modelOutputs;
    private final int maxRows;
    /** Each input's first feature's index in a row of {@link ModelSignature#features()}. */
    private final Map<String, Integer> offsets = new HashMap<>();
    /** Each feature's input, to name it in errors. */
    private final Map<String, ModelInput> inputOf = new HashMap<>();
    /** Whether the rows are plain numbers: every input FLOAT or DOUBLE, no feature that may be missing. */
    private final boolean plainNumbers;

    /**
     * @param signature the model's signature
     * @param outputs   the model's outputs as the protocol names them
     * @param maxRows   the most rows one request may hold
     */
    V2RequestReader(ModelSignature signature, List<String> outputs, int maxRows) {
        this.signature = signature;
        this.modelOutputs = List.copyOf(outputs);
        this.maxRows = maxRows;
        int offset = 0;
        for (ModelInput input : signature.inputs()) {
            offsets.put(input.name(), offset);
            offset += input.width();
            input.features().forEach(f -> inputOf.put(f.name(), input));
        }
        this.plainNumbers = signature.numbersOnly()
                && signature.inputs().stream()
                        .allMatch(i -> i.type() == ValueType.FLOAT || i.type() == ValueType.DOUBLE);
    }

    /** @return the model's outputs as the protocol names them */
    List<String> modelOutputs() {
        return modelOutputs;
    }

    /**
     * @throws HttpProblem 400 naming what is wrong (missing or unknown input, bad shape, datatype or value, with every
     *                     bad value listed), 413 for more rows than the server takes in one request
     */
    public V2InferRequestParser.V2InferRequest read(V2Request request) {
        Map<String, V2Request.Input> inputs = inputs(request.inputs());
        Rows rows = null;
        String rowsFrom = null;
        for (ModelInput input : signature.inputs()) {
            V2Tensor tensor = V2Tensor.read(inputs.get(input.name()), input, maxRows);
            int count = tensor.rows();
            if (rows == null) {
                rows = plainNumbers
                        ? new Numbers(new double[count][signature.featureCount()])
                        : new Cells(count, signature.featureCount());
                rowsFrom = input.name();
            } else if (rows.count() != count) {
                throw HttpProblem.badRequest("input '" + input.name() + "' has " + count + " rows but input '"
                        + rowsFrom + "' has " + rows.count() + "; every input needs one value per row");
            }
            fill(tensor, input, rows);
        }
        return new V2InferRequestParser.V2InferRequest(
                request.id(), batch(rows), outputs(request.outputs()), request.explain(), request.coverage());
    }

    List<String> inputNames() {
        return signature.inputs().stream().map(ModelInput::name).toList();
    }

    /** The model's inputs by name, refusing unknown, repeated or missing ones. */
    private Map<String, V2Request.Input> inputs(List<V2Request.Input> inputs) {
        Map<String, V2Request.Input> found = new LinkedHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            String name = inputs.get(i).name();
            if (name == null || name.isEmpty()) {
                throw HttpProblem.badRequest(
                        "inputs[" + i + "] needs a \"name\" string; the model's inputs are " + inputNames());
            }
            String given = name;
            name = offsets.containsKey(given) ? given : V2Names.find(given, inputNames(), "input");
            if (name == null) {
                throw HttpProblem.badRequest("unknown input '" + given + "'; "
                        + (signature.inputs().size() == 1
                                ? "the model has one input, '" + signature.inputName() + "'"
                                : "the model's inputs are " + inputNames()));
            }
            if (found.containsKey(name)) {
                throw HttpProblem.badRequest("input '" + name + "' is given more than once");
            }
            found.put(name, inputs.get(i));
        }
        List<String> missing = new ArrayList<>();
        for (ModelInput input : signature.inputs()) {
            if (!found.containsKey(input.name())) {
                missing.add("'" + input.name() + "' (" + input.type().v2Name() + ", shape " + input.batchShape() + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw HttpProblem.badRequest("missing input" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing)
                    + (signature.inputs().size() > 1 ? "; the model takes one tensor per input: " + inputNames() : ""));
        }
        return found;
    }

    /** Puts an input tensor's values into the rows, at its features' places. */
    private void fill(V2Tensor tensor, ModelInput input, Rows rows) {
        String datatype = tensor.datatype();
        V2Request.Values values = tensor.values();
        int width = input.width();
        int offset = offsets.get(input.name());
        for (int i = 0; i < values.size(); i++) {
            rows.put(
                    i / width,
                    offset + i % width,
                    values,
                    i,
                    datatype,
                    input,
                    input.features().get(i % width));
        }
    }

    /**
     * The rows being read: plain numbers ({@link Numbers}) when every input of the model is FLOAT or DOUBLE and no
     * feature may be missing, which {@link Batch#ofNumbers} checks and packs into the model's columns as they are;
     * otherwise a cell per value ({@link Cells}) for {@link Batch#of}. Both refuse the same values with the same words.
     */
    private sealed interface Rows permits Numbers, Cells {
        int count();

        void put(
                int row,
                int place,
                V2Request.Values values,
                int index,
                String datatype,
                ModelInput input,
                Feature feature);

        Batch batch(ModelSignature signature);
    }

    private record Numbers(double[][] rows) implements Rows {
        @Override
        public int count() {
            return rows.length;
        }

        @Override
        public void put(
                int row,
                int place,
                V2Request.Values values,
                int index,
                String datatype,
                ModelInput input,
                Feature feature) {
            rows[row][place] = values.number(index, datatype, input, feature);
        }

        @Override
        public Batch batch(ModelSignature signature) {
            return Batch.ofNumbers(signature, rows);
        }
    }

    private record Cells(List<Object[]> rows) implements Rows {
        Cells(int count, int width) {
            this(new ArrayList<>(count));
            for (int r = 0; r < count; r++) {
                rows.add(new Object[width]);
            }
        }

        @Override
        public int count() {
            return rows.size();
        }

        @Override
        public void put(
                int row,
                int place,
                V2Request.Values values,
                int index,
                String datatype,
                ModelInput input,
                Feature feature) {
            rows.get(row)[place] = values.cell(index, datatype, input, feature);
        }

        @Override
        public Batch batch(ModelSignature signature) {
            return Batch.of(signature, rows);
        }
    }

    /** The rows as a batch; the values the model refuses are a 400 listing each with its input and row. */
    private Batch batch(Rows rows) {
        try {
            return rows.batch(signature);
        } catch (ModelException e) {
            if (e.kind() != ModelException.Kind.INVALID_INPUT) {
                throw e;
            }
            // The protocol's error is one string: it must say which input and row, as the list does.
            List<FieldProblem> problems = new ArrayList<>();
            List<String> said = new ArrayList<>();
            for (FieldError error : e.fieldErrors()) {
                problems.add(new FieldProblem(error.field(), error.message(), error.row()));
                if (said.size() < 3) {
                    ModelInput input = inputOf.get(error.field());
                    String where = input == null
                            ? ""
                            : "input '" + input.name() + "'"
                                    + (input.width() > 1 ? " (feature '" + error.field() + "')" : "") + ", ";
                    said.add(where + "row " + error.row() + ": " + error.message());
                }
            }
            String detail = problems.size() == 1
                    ? said.get(0)
                    : e.getMessage() + ": " + String.join("; ", said) + (problems.size() > said.size() ? "; …" : "");
            throw new HttpProblem(400, "Invalid input", detail, problems, Map.of());
        }
    }

    /**
     * The outputs asked for, each one of the model's (by {@link V2Names}, answered under the model's name) and none
     * twice; all of the model's when none were named.
     */
    private List<String> outputs(List<String> names) {
        if (names == null) {
            return modelOutputs;
        }
        List<String> outputs = new ArrayList<>(names.size());
        Set<String> seen = new HashSet<>();
        for (String given : names) {
            String name = V2Names.find(given, modelOutputs, "output");
            if (name == null) {
                throw HttpProblem.badRequest("unknown output '" + given + "'; the model's outputs are " + modelOutputs);
            }
            if (!seen.add(name)) {
                throw HttpProblem.badRequest("output '" + name + "' is requested more than once");
            }
            outputs.add(name);
        }
        return List.copyOf(outputs);
    }
}
