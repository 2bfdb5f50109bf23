package org.tabserve.serving.access;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * One scope on one model ({@code predict:titanic}) or on every model ({@code predict}, the same as {@code predict:*}).
 * {@code label:any} (labels for any caller's answers) is one scope, on every model, or on one as
 * {@code label:any:titanic}; it allows {@code label} too.
 *
 * @param scope what it allows
 * @param model the model's name, or {@link #ALL}
 */
public record Grant(Scope scope, String model) {

    /** The model of a grant on every model. */
    public static final String ALL = "*";

    public Grant {
        if (scope == null || model == null || model.isEmpty()) {
            throw new IllegalArgumentException("a grant needs a scope and a model (or " + ALL + ")");
        }
    }

    /**
     * Reads a grant as the keys file spells it.
     *
     * @throws IllegalArgumentException naming the scopes there are, for a scope that is none of them
     */
    public static Grant parse(String text) {
        String any = Scope.LABEL_ANY.word();
        if (text.equals(any) || text.startsWith(any + ":")) {
            String model = text.equals(any) ? ALL : text.substring(any.length() + 1);
            if (model.isEmpty()) {
                throw new IllegalArgumentException(shown(text) + " names no model after its ':'; write " + any
                        + " for every model, or " + any + ":MODEL");
            }
            return new Grant(Scope.LABEL_ANY, model);
        }
        int colon = text.indexOf(':');
        String word = colon < 0 ? text : text.substring(0, colon);
        String model = colon < 0 ? ALL : text.substring(colon + 1);
        Scope scope = Scope.of(word)
                .orElseThrow(() -> new IllegalArgumentException(shown(word) + " is no scope; the scopes are "
                        + Arrays.stream(Scope.values()).map(Scope::word).collect(Collectors.joining(", "))
                        + ", each alone (every model) or as scope:MODEL"));
        if (model.isEmpty()) {
            throw new IllegalArgumentException(shown(text) + " names no model after its ':'; write " + word
                    + " for every model, or " + word + ":MODEL");
        }
        return new Grant(scope, model);
    }

    /**
     * A field as a refusal quotes it: a short word in quotes, anything longer only by its length, so that a key or a
     * digest written in the wrong column is never repeated in a log or an answer.
     */
    private static String shown(String field) {
        return field.length() <= 24 && field.chars().allMatch(c -> c == ':' || c == '*' || Character.isLetter(c))
                ? "'" + field + "'"
                : "a field of " + field.length() + " characters";
    }

    /** @return whether it allows {@code scope} on {@code model} (null: on some model) */
    boolean allows(Scope scope, String model) {
        return (this.scope == scope || this.scope == Scope.LABEL_ANY && scope == Scope.LABEL)
                && (model == null || this.model.equals(ALL) || this.model.equals(model));
    }

    /** @return as the keys file spells it: {@code predict} or {@code predict:titanic} */
    @Override
    public String toString() {
        return model.equals(ALL) ? scope.word() : scope.word() + ":" + model;
    }
}
