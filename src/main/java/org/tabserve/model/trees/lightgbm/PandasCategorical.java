package org.tabserve.model.trees.lightgbm;

import java.util.ArrayList;
import java.util.List;
import org.tabserve.model.trees.ForestFormatException;

/**
 * The {@code pandas_categorical:} line LightGBM's Python package appends to a model trained on a DataFrame
 * ({@code _dump_pandas_categorical}): a JSON list holding, for each categorical column in column order, its categories
 * in code order. Parsed by hand within bounds (two levels, at most the category limit in a list, strings, numbers and
 * booleans as their text); {@code null} for none.
 */
final class PandasCategorical {

    private final String text;
    private final int maxCategories;
    private final int maxLists;
    private int at;

    private PandasCategorical(String text, int maxCategories, int maxLists) {
        this.text = text;
        this.maxCategories = maxCategories;
        this.maxLists = maxLists;
    }

    /** @return each categorical column's categories, or an empty list for {@code null} */
    static List<List<String>> parse(String json, int maxCategories, int maxLists) {
        PandasCategorical p = new PandasCategorical(json, maxCategories, maxLists);
        List<List<String>> lists = p.document();
        return lists;
    }

    private List<List<String>> document() {
        skip();
        List<List<String>> lists = new ArrayList<>();
        if (text.startsWith("null", at)) {
            at += 4;
        } else {
            expect('[');
            skip();
            if (peek() == ']') {
                at++;
            } else {
                while (true) {
                    if (lists.size() >= maxLists) {
                        throw new ForestFormatException(
                                "pandas_categorical lists more columns than the model has features");
                    }
                    lists.add(list());
                    skip();
                    if (peek() == ',') {
                        at++;
                        continue;
                    }
                    expect(']');
                    break;
                }
            }
        }
        skip();
        if (at != text.length()) {
            throw new ForestFormatException("pandas_categorical has text after its list");
        }
        return lists;
    }

    private List<String> list() {
        skip();
        expect('[');
        List<String> items = new ArrayList<>();
        skip();
        if (peek() == ']') {
            at++;
            return items;
        }
        while (true) {
            if (items.size() >= maxCategories) {
                throw new ForestFormatException(
                        "pandas_categorical gives a column more categories than the limit of " + maxCategories);
            }
            skip();
            items.add(value());
            skip();
            if (peek() == ',') {
                at++;
                continue;
            }
            expect(']');
            return items;
        }
    }

    private String value() {
        char c = peek();
        if (c == '"') {
            return string();
        }
        int start = at;
        while (at < text.length() && "+-.eE0123456789truefals".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        String token = text.substring(start, at);
        if (token.equals("true")
                || token.equals("false")
                || token.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
            return token;
        }
        throw new ForestFormatException(
                "pandas_categorical holds a category that is neither text, a number nor a boolean");
    }

    private String string() {
        at++;
        StringBuilder out = new StringBuilder();
        while (true) {
            if (at >= text.length()) {
                throw new ForestFormatException("pandas_categorical ends inside a category's text");
            }
            char c = text.charAt(at++);
            if (c == '"') {
                return out.toString();
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (at >= text.length()) {
                throw new ForestFormatException("pandas_categorical ends inside a category's text");
            }
            char e = text.charAt(at++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (at + 4 > text.length() || !text.substring(at, at + 4).matches("[0-9a-fA-F]{4}")) {
                        throw new ForestFormatException("pandas_categorical has a broken \\u escape");
                    }
                    out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                    at += 4;
                }
                default -> throw new ForestFormatException("pandas_categorical has an unknown escape");
            }
        }
    }

    private void skip() {
        while (at < text.length() && (text.charAt(at) == ' ' || text.charAt(at) == '\t')) {
            at++;
        }
    }

    private char peek() {
        if (at >= text.length()) {
            throw new ForestFormatException("pandas_categorical ends before its list closes: it is truncated");
        }
        return text.charAt(at);
    }

    private void expect(char c) {
        if (peek() != c) {
            throw new ForestFormatException("pandas_categorical is not a JSON list of lists");
        }
        at++;
    }
}
