package org.tabserve.spark;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.rows.read.CellRows;

/**
 * Reads a batch of rows' input columns straight into plain numbers, for a model whose features are all numbers that
 * may not be missing ({@link ModelSignature#numbersOnly()}) over columns of Spark's double, float, int, short or byte
 * type: the batch the model core packs into its float input with no typed cells ({@code Batch.ofNumbers}). Each value
 * is the one the typed cells would give ({@link CellRows#floatAsDouble}: a float as its shortest text), so the answers are the same.
 */
final class NumberRows implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int[] columns;
    private final boolean[] floats;

    private NumberRows(int[] columns, boolean[] floats) {
        this.columns = columns;
        this.floats = floats;
    }

    /**
     * @param inputColumns for each of the model's features, in its order, the index of the row's column holding it
     * @return the reader, or null when the model or a column's type needs typed cells
     */
    static NumberRows of(ModelSignature signature, StructType schema, int[] inputColumns) {
        if (!signature.numbersOnly()) {
            return null;
        }
        List<Feature> features = signature.features();
        boolean[] floats = new boolean[features.size()];
        for (int f = 0; f < floats.length; f++) {
            DataType type = schema.fields()[inputColumns[f]].dataType();
            if (type.equals(DataTypes.FloatType)) {
                floats[f] = true;
            } else if (!List.of(DataTypes.DoubleType, DataTypes.IntegerType, DataTypes.ShortType, DataTypes.ByteType)
                    .contains(type)) {
                return null;
            }
        }
        return new NumberRows(inputColumns.clone(), floats);
    }

    /** @return each row's numbers in the model's feature order, or null when a cell is missing (null) */
    double[][] read(List<Row> rows) {
        double[][] numbers = new double[rows.size()][];
        for (int r = 0; r < numbers.length; r++) {
            Row row = rows.get(r);
            double[] values = new double[columns.length];
            for (int f = 0; f < values.length; f++) {
                int column = columns[f];
                if (row.isNullAt(column)) {
                    return null;
                }
                Object cell = row.get(column);
                values[f] = floats[f] ? CellRows.floatAsDouble((Float) cell) : ((Number) cell).doubleValue();
            }
            numbers[r] = values;
        }
        return numbers;
    }
}
