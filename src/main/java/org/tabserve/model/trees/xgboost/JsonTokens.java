package org.tabserve.model.trees.xgboost;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import org.tabserve.model.trees.ForestFormatException;
import org.tabserve.model.trees.ForestLimits;

/**
 * An XGBoost JSON model as {@link Tokens}, read with Jackson's streaming parser within {@link ForestLimits}' nesting
 * and bounded string and number lengths: the document is never built whole.
 */
final class JsonTokens implements Tokens {

    /** The longest string a model file holds (a feature name, an objective's parameter). */
    static final int MAX_STRING = 1 << 16;

    private final JsonParser parser;
    private final int maxNesting;
    private Kind kind;

    JsonTokens(byte[] file, ForestLimits limits) {
        this.maxNesting = limits.maxNesting();
        StreamReadConstraints constraints = StreamReadConstraints.builder()
                .maxNestingDepth(limits.maxNesting())
                .maxStringLength(MAX_STRING)
                .maxNameLength(MAX_STRING)
                .maxNumberLength(64)
                .maxDocumentLength(limits.maxBytes())
                .build();
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(constraints)
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .build();
        try {
            this.parser = factory.createParser(file);
        } catch (IOException e) {
            throw new ForestFormatException("the XGBoost JSON file cannot be opened", e);
        }
    }

    @Override
    public Kind next() {
        JsonToken token;
        try {
            token = parser.nextToken();
        } catch (StreamConstraintsException e) {
            throw new ForestFormatException("the XGBoost JSON file is past a bound of the reader (nesting deeper than "
                    + maxNesting + " levels, or a string or number too long)" + where());
        } catch (IOException e) {
            throw new ForestFormatException("the XGBoost JSON file is not well-formed JSON" + where());
        }
        kind = token == null ? Kind.END : kindOf(token);
        return kind;
    }

    private static Kind kindOf(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> Kind.OBJECT;
            case END_OBJECT -> Kind.END_OBJECT;
            case START_ARRAY -> Kind.ARRAY;
            case END_ARRAY -> Kind.END_ARRAY;
            case FIELD_NAME -> Kind.NAME;
            case VALUE_STRING -> Kind.STRING;
            case VALUE_NUMBER_INT -> Kind.INTEGER;
            case VALUE_NUMBER_FLOAT -> Kind.FLOAT;
            case VALUE_TRUE -> Kind.TRUE;
            case VALUE_FALSE -> Kind.FALSE;
            case VALUE_NULL -> Kind.NULL;
            default -> throw new ForestFormatException("the XGBoost JSON file holds a token JSON models do not");
        };
    }

    private String where() {
        JsonLocation at = parser.currentLocation();
        return " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    @Override
    public String text() {
        try {
            return kind == Kind.NAME ? parser.currentName() : parser.getText();
        } catch (IOException e) {
            throw new ForestFormatException("the XGBoost JSON file holds an unreadable string" + where());
        }
    }

    @Override
    public long integer() {
        try {
            return parser.getLongValue();
        } catch (IOException e) {
            throw new ForestFormatException("the XGBoost JSON file holds an integer past 64 bits" + where());
        }
    }

    @Override
    public float number() {
        try {
            if (kind == Kind.INTEGER) {
                return (float) parser.getLongValue();
            }
            if (parser.isNaN()) {
                return (float) parser.getDoubleValue();
            }
            // Straight from the decimal text to the nearest float, as XGBoost's own reader does.
            return Float.parseFloat(parser.getText());
        } catch (IOException | NumberFormatException e) {
            throw new ForestFormatException("the XGBoost JSON file holds an unreadable number" + where());
        }
    }

    @Override
    public String format() {
        return "XGBoost JSON";
    }
}
