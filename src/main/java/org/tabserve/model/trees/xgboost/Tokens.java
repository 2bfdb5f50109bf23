package org.tabserve.model.trees.xgboost;

/**
 * A model document as a stream of tokens, the same for JSON and UBJSON, so that one reader of the model's structure
 * serves both. Nesting is bounded by the source; a malformed or truncated document is refused by it.
 */
interface Tokens {

    /** What a token is. */
    enum Kind {
        OBJECT,
        END_OBJECT,
        ARRAY,
        END_ARRAY,
        NAME,
        STRING,
        INTEGER,
        FLOAT,
        TRUE,
        FALSE,
        NULL,
        END
    }

    /** @return the next token; {@link Kind#END} after the document */
    Kind next();

    /** @return a {@link Kind#NAME}'s or {@link Kind#STRING}'s text */
    String text();

    /** @return an {@link Kind#INTEGER}'s value */
    long integer();

    /** @return a {@link Kind#FLOAT}'s value as XGBoost holds it (a float32), or an integer's as a float */
    float number();

    /** @return the format's name in words ({@code XGBoost JSON}, {@code XGBoost UBJSON}) */
    String format();
}
