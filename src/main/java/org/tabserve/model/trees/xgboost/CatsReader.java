package org.tabserve.model.trees.xgboost;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.tabserve.model.trees.ForestFormatException;
import org.tabserve.model.trees.ForestLimits;
import org.tabserve.model.trees.xgboost.Tokens.Kind;

/**
 * Reads XGBoost 3.1+'s category strings ({@code cats} of the tree model, {@code CatContainer::Save}): for each feature
 * in {@code enc}, its training categories in code order, as UTF-8 text ({@code offsets}, {@code values}) or as
 * integers ({@code type}, {@code values}); a number feature's entry is empty.
 */
final class CatsReader {

    /** The most bytes of category text a file may hold. */
    static final int MAX_TEXT_BYTES = 1 << 20;

    private final ValueReader values;
    private final ForestLimits limits;
    private int textLeft = MAX_TEXT_BYTES;

    CatsReader(ValueReader values, ForestLimits limits) {
        this.values = values;
        this.limits = limits;
    }

    /** Reads the {@code cats} object, its value's first token not yet read. */
    List<List<String>> read() {
        values.expect(Kind.OBJECT, "cats");
        List<List<String>> out = List.of();
        for (String field = values.nextField("cats"); field != null; field = values.nextField("cats")) {
            if (field.equals("enc")) {
                out = encodings();
            } else {
                values.skip(values.next());
            }
        }
        return out;
    }

    private List<List<String>> encodings() {
        values.expect(Kind.ARRAY, "cats.enc");
        List<List<String>> out = new ArrayList<>();
        for (Kind k = values.next(); k != Kind.END_ARRAY; k = values.next()) {
            if (k != Kind.OBJECT) {
                throw ValueReader.wrongType("cats.enc", k);
            }
            if (out.size() >= limits.maxFeatures()) {
                throw ValueReader.tooMany("cats.enc", limits.maxFeatures());
            }
            out.add(column());
        }
        return out;
    }

    private List<String> column() {
        int[] offsets = null;
        long[] codes = null;
        int cap = limits.maxCategories();
        String at = "cats.enc";
        for (String field = values.nextField(at); field != null; field = values.nextField(at)) {
            switch (field) {
                case "offsets" -> offsets = values.ints("cats.enc.offsets", ValueReader.Cap.of(cap + 1));
                // text's bytes or integer categories: both integer arrays, told apart by 'offsets'
                case "values" -> codes = values.integers("cats.enc.values", Math.max(cap, textLeft));
                default -> values.skip(values.next());
            }
        }
        if (offsets == null) {
            if (codes == null) {
                return List.of();
            }
            if (codes.length > cap) {
                throw ValueReader.tooMany("cats.enc.values", cap);
            }
            List<String> names = new ArrayList<>(codes.length);
            for (long code : codes) {
                names.add(Long.toString(code));
            }
            return names;
        }
        return strings(offsets, bytesOf(codes == null ? new long[0] : codes));
    }

    private byte[] bytesOf(long[] raw) {
        if (raw.length > textLeft) {
            throw ValueReader.tooMany("cats.enc.values", MAX_TEXT_BYTES);
        }
        textLeft -= raw.length;
        byte[] out = new byte[raw.length];
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] < -128 || raw[i] > 255) {
                throw new ForestFormatException("the model's 'cats.enc.values' holds a value that is not a byte");
            }
            out[i] = (byte) raw[i];
        }
        return out;
    }

    private static List<String> strings(int[] offsets, byte[] text) {
        if (offsets.length == 0) {
            return List.of();
        }
        if (offsets[0] != 0 || offsets[offsets.length - 1] != text.length) {
            throw new ForestFormatException("the model's 'cats.enc.offsets' do not span its 'values'");
        }
        List<String> names = new ArrayList<>(offsets.length - 1);
        for (int i = 0; i + 1 < offsets.length; i++) {
            if (offsets[i + 1] < offsets[i]) {
                throw new ForestFormatException("the model's 'cats.enc.offsets' decrease");
            }
            names.add(new String(text, offsets[i], offsets[i + 1] - offsets[i], StandardCharsets.UTF_8));
        }
        return names;
    }
}
