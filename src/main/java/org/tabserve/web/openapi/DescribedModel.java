package org.tabserve.web.openapi;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.tabserve.model.answer.AnswerField;
import org.tabserve.model.answer.AnswerShape;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.ValueOutput;

/**
 * The model an OpenAPI document describes and where its routes are, as every {@link OpenApiPart} reads it: the
 * document is built from these values alone, never from a loaded model's session.
 *
 * @param name        the model's name in the repository
 * @param base        where its routes are: {@code ""} for the root routes (the default model), or
 *                    {@code /models/{name}}
 * @param valueOutput a regressor's output as the graph names it (its v2 output); null for a classifier
 */
public record DescribedModel(
        String name, String base, ModelSignature signature, ModelCard card, ValueOutput valueOutput) {

    /**
     * What the model's answers carry, as the documents loop over the described fields ({@link AnswerField#present}).
     *
     * @param asked whether the request asked for all a route may add (explanations, coverage and novelty): true for
     *              every field an answer may carry, false for those every answer carries
     */
    public AnswerShape answerShape(boolean asked) {
        return AnswerShape.of(signature, asked, asked, asked);
    }

    /** The features in the model's order, each with its type: {@code "a (float), b (string)"}. */
    public String featuresText() {
        return String.join(
                ", ",
                signature.features().stream()
                        .map(f -> f.name() + " (" + f.type().name().toLowerCase(Locale.ROOT) + ")")
                        .toList());
    }

    /** The class labels, each with its display name where the card gives one: {@code "0 = Adelie, 1 = Gentoo"}. */
    public String classesText() {
        List<String> classes = new ArrayList<>();
        for (String label : signature.classLabels()) {
            classes.add(label.equals(card.displayName(label)) ? label : label + " = " + card.displayName(label));
        }
        return String.join(", ", classes);
    }
}
