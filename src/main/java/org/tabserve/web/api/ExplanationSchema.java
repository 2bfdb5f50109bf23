package org.tabserve.web.api;

import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.NumberSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import java.math.BigDecimal;
import java.util.List;
import org.tabserve.model.explain.Explainer;
import org.tabserve.model.explain.Explanation;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.Task;
import org.tabserve.rows.answerjson.ExplanationJson;

/**
 * The OpenAPI schema of a row's explanation, which an answer carries when asked (explain): its method, the quantity
 * explained and each input column's Shapley value, for {@link PredictOpenApi}'s answers.
 */
final class ExplanationSchema {

    private ExplanationSchema() {}

    /** A row's explanation ({@link ExplanationJson}), with a contribution for every input column. */
    static Schema<?> of(ModelSignature signature) {
        boolean classifier = signature.task() != Task.REGRESSION;
        String output = classifier
                ? "the predicted class's probability or margin (explained says which)"
                : "the predicted value";
        ObjectSchema contributions = new ObjectSchema();
        contributions.description("each input column's Shapley value: how far it moved " + output
                + " from base_value; base_value plus all of them is output");
        for (String feature : signature.featureNames()) {
            contributions.addProperty(feature, new NumberSchema().format("double"));
            contributions.addRequiredItem(feature);
        }
        contributions.additionalProperties(false);
        ObjectSchema errors = new ObjectSchema();
        errors.description("permutation only: each input column's standard error of its contribution (the estimate"
                + " is within two of them of the exact value about 95 % of the time)");
        for (String feature : signature.featureNames()) {
            errors.addProperty(feature, new NumberSchema().format("double").minimum(BigDecimal.ZERO));
            errors.addRequiredItem(feature);
        }
        errors.additionalProperties(false);
        ObjectSchema explanation = new ObjectSchema();
        explanation.description("Only when asked (explain). Interventional Shapley values of " + output
                + " against the card's background sample of training rows");
        explanation
                .addProperty(
                        "method",
                        new StringSchema()
                                ._enum(Explanation.METHODS)
                                .description(
                                        "tree: exact, from a tree ensemble's trees (interventional TreeSHAP); linear: exact, from a"
                                                + " linear model's weights; exact: every coalition of the columns (up to 10 columns);"
                                                + " permutation: beyond, estimated from seeded antithetic pairs of permutations at a"
                                                + " fixed cost of about " + Explainer.SAMPLED_MODEL_ROWS
                                                + " model rows, with each"
                                                + " column's standard error; its contributions still add up"))
                .addProperty(
                        "explained",
                        new StringSchema()
                                ._enum(
                                        classifier
                                                ? List.of(Explanation.PROBABILITY, Explanation.MARGIN)
                                                : List.of(Explanation.VALUE))
                                .description(
                                        "the quantity explained: the predicted class's probability, its margin (raw"
                                                + " score before the sigmoid or softmax), or a regressor's value"))
                .addProperty(
                        "base_value",
                        new NumberSchema()
                                .format("double")
                                .description("the mean of " + output + " over the background rows"))
                .addProperty("output", new NumberSchema().format("double").description(output + " for this row"))
                .addProperty("contributions", contributions)
                .addProperty("background_rows", new IntegerSchema().minimum(BigDecimal.ONE))
                .addProperty(ExplanationJson.STANDARD_ERRORS, errors)
                .addProperty("permutations", new IntegerSchema().description("permutation only: how many were sampled"))
                .addProperty(
                        "standard_error",
                        new NumberSchema()
                                .format("double")
                                .description("permutation only: the" + " largest of standard_errors"));
        List<String> required = new java.util.ArrayList<>(
                List.of("method", "explained", "base_value", "output", "contributions", "background_rows"));
        if (classifier) {
            explanation.addProperty(
                    "class",
                    new StringSchema()
                            ._enum(signature.classLabels())
                            .description("the class whose probability or margin is explained: the predicted one"));
            required.add(2, "class");
        }
        return explanation.required(required).additionalProperties(false);
    }
}
