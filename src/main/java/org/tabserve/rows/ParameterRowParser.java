package org.tabserve.rows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.FieldError;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.RowWarnings;
import org.tabserve.rows.field.RowsException;
import org.tabserve.rows.json.RowsRead;
import org.tabserve.rows.read.TextCells;

/**
 * Reads one row from request parameters, the shared format of {@code GET /predict?variance=..} and the HTML form:
 * each parameter a feature name with one value, read by the feature's type as a CSV cell is ({@link TextCells}); an
 * empty value is a missing one. A parameter the model does not take is ignored and told in the warnings, as on every
 * route. Repeated, missing and unreadable fields, and whatever the model's batch refuses, are all reported at once,
 * with what was typed kept for the form to show again.
 */
public final class ParameterRowParser {

    /**
     * @param typed  parameter name to the text the caller sent (for echoing back)
     * @param cells  the row's cells in the model's feature order, or null when there are errors
     * @param batch  the row checked by the model's signature, or null when there are errors
     * @param errors every bad field
     * @param ignored the parameters the model does not take, ignored
     */
    public record ParsedRow(
            Map<String, String> typed, Object[] cells, Batch batch, List<FieldProblem> errors, List<String> ignored) {

        /** @return the row's batch, or a 400 listing every bad field */
        public Batch orThrow() {
            if (!errors.isEmpty()) {
                throw RowsException.invalidFields(errors);
            }
            return batch;
        }

        /**
         * The row's warnings: numbers outside the training range, judged on the values as sent (before the model's
         * float rounding), then the categories the model has not seen.
         */
        public List<org.tabserve.model.signature.RangeWarning> warnings(org.tabserve.model.card.ModelCard card) {
            List<org.tabserve.model.signature.RangeWarning> warnings = RowWarnings.ignored(ignored);
            warnings.addAll(RowWarnings.warnings(card, batch, 0, cells));
            return List.copyOf(warnings);
        }
    }

    private final ModelSignature signature;

    public ParameterRowParser(ModelSignature signature) {
        this.signature = signature;
    }

    public ParsedRow parse(Map<String, String[]> parameters) {
        Map<String, String> typed = new LinkedHashMap<>();
        List<Feature> features = signature.features();
        List<String> names = signature.featureNames();
        Object[] cells = new Object[features.size()];
        List<FieldProblem> errors = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
            String field = parameter.getKey();
            String[] values = parameter.getValue();
            String text = values.length == 0 ? "" : values[0];
            typed.put(field, text);
            if (values.length > 1) {
                errors.add(new FieldProblem(
                        field, "'" + field + "' is given " + values.length + " times; give it once", null));
            }
            int index = names.indexOf(field);
            if (index < 0) {
                ignored.add(field);
                continue;
            }
            Object cell = TextCells.read(features.get(index), text, false);
            if (cell == TextCells.UNREADABLE) {
                errors.add(new FieldProblem(field, TextCells.problem(features.get(index), text, false), null));
            } else {
                cells[index] = cell;
            }
        }
        // A misspelt name is both ignored and missing: say so where the missing one is named.
        String sent = ignored.isEmpty()
                ? ""
                : "; the fields the model does not take were ignored: " + RowsRead.quoted(ignored);
        for (Feature feature : features) {
            if (!parameters.containsKey(feature.name()) && !feature.missingAllowed()) {
                errors.add(new FieldProblem(
                        feature.name(), "missing value for feature '" + feature.name() + "'" + sent, null));
            }
        }
        // The batch says what else is wrong (range, missing, categories), also beside errors already found, on the
        // fields that were read; a field already reported is not reported twice.
        java.util.Set<String> reported = new java.util.HashSet<>();
        errors.forEach(e -> reported.add(e.field()));
        Batch batch = null;
        try {
            batch = Batch.of(signature, java.util.Collections.singletonList(cells));
        } catch (ModelException e) {
            if (e.kind() != ModelException.Kind.INVALID_INPUT) {
                throw e;
            }
            for (FieldError error : e.fieldErrors()) {
                if (!reported.contains(error.field())) {
                    errors.add(new FieldProblem(error.field(), error.message(), null));
                }
            }
        }
        if (!errors.isEmpty()) {
            return new ParsedRow(typed, null, null, List.copyOf(errors), List.copyOf(ignored));
        }
        return new ParsedRow(typed, cells, batch, List.of(), List.copyOf(ignored));
    }
}
