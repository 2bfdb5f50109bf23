package org.tabserve.rows.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.List;
import org.tabserve.model.signature.Feature;

/**
 * Where a request's rows are kept as they are read, for {@link JsonRowsParser}: one row type {@code R} for the whole
 * request, boxed cells ({@link Cells}) or plain doubles ({@link Numbers}), each value read by {@link JsonCells}.
 */
abstract class JsonRowStore<R> {
    final RowsRead rows;
    final JsonCells reader;
    final List<Feature> features;

    JsonRowStore(JsonCells reader, RowsRead rows) {
        this.rows = rows;
        this.reader = reader;
        this.features = reader.features();
    }

    /** A row with every feature absent, for a reader to fill. */
    abstract R absent();

    abstract void add(R row);

    /** Reads one value into its feature's place in a row. */
    abstract void read(JsonParser parser, JsonToken token, R row, int position, Integer at) throws IOException;

    /** Names each feature a named row has not given. */
    abstract void requireAll(R row, Integer at);

    /** Rows of boxed cells, typed as their JSON says: any model. */
    static final class Cells extends JsonRowStore<Object[]> {
        Cells(JsonCells reader, RowsRead rows) {
            super(reader, rows);
        }

        @Override
        Object[] absent() {
            return reader.absentRow();
        }

        @Override
        void add(Object[] row) {
            rows.add(row);
        }

        @Override
        void read(JsonParser parser, JsonToken token, Object[] row, int position, Integer at) throws IOException {
            row[position] = reader.read(parser, token, features.get(position), at, rows);
        }

        @Override
        void requireAll(Object[] row, Integer at) {
            rows.requireAll(row, at);
        }
    }

    /** Rows of plain doubles, NaN for a feature not given: a numbers-only model, nothing boxed. */
    static final class Numbers extends JsonRowStore<double[]> {
        Numbers(JsonCells reader, RowsRead rows) {
            super(reader, rows);
        }

        @Override
        double[] absent() {
            return reader.absentNumbers();
        }

        @Override
        void add(double[] row) {
            rows.add(row);
        }

        @Override
        void read(JsonParser parser, JsonToken token, double[] row, int position, Integer at) throws IOException {
            row[position] = reader.number(parser, token, features.get(position), at, rows);
        }

        @Override
        void requireAll(double[] row, Integer at) {
            rows.requireAll(row, at);
        }
    }
}
