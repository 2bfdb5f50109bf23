package org.tabserve.spark;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.struct;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Spark's floor for a scoring job (bench/spark, issue 65): {@link ScoreParquet}'s input read the same way and its
 * output written as Parquet with the same schema (the answer column's metadata included), every answer a constant and
 * every row's errors null, with no model run; the model file is read on the driver only for the schema. It ends with
 * the same lines of time as {@link ScoreParquet}, so that the two jobs' task CPU compare side by side.
 */
public final class FloorParquet {

    static final String USAGE =
            "usage: FloorParquet --model FILE --in PARQUET --out PARQUET [--master URL]" + " [--partitions N]";

    private FloorParquet() {}

    public static void main(String[] args) {
        ScoreParquet.JobOptions options =
                ScoreParquet.JobOptions.parse(args, USAGE, List.of("--model", "--in", "--out"));
        SparkSession spark = options.session("tabserve-floor");
        try {
            Dataset<Row> table = options.has("--partitions")
                    ? ScoreParquet.partitioned(
                            spark, options.path("--in"), Integer.parseInt(options.value("--partitions")))
                    : spark.read().parquet(options.path("--in"));
            Dataset<Row> floor = constantAnswers(table, new TabserveModel().setModelPath(options.path("--model")));
            TaskTime tasks = TaskTime.listen(spark);
            long started = System.nanoTime();
            floor.write().mode("overwrite").parquet(options.path("--out"));
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf(
                    "tabserve-spark: wrote the floor of %s into %s in %.1f s%n",
                    options.value("--in"), options.value("--out"), seconds);
            System.out.println("tabserve-spark: " + tasks.summary());
        } finally {
            spark.stop();
        }
    }

    /**
     * @return {@code table} with the columns {@code model} adds, each a constant of its type (the errors' column
     *         null), in Spark's own expressions: no model, no row leaves Catalyst
     */
    static Dataset<Row> constantAnswers(Dataset<Row> table, TabserveModel model) {
        StructType out = model.transformSchema(table.schema());
        String errors = model.getOrDefault(model.errorCol());
        Dataset<Row> floor = table;
        for (StructField field : Arrays.copyOfRange(out.fields(), table.schema().size(), out.size())) {
            Column value = field.name().equals(errors) ? lit(null) : constant(field.dataType());
            floor = floor.withColumn(field.name(), value.cast(field.dataType()).as(field.name(), field.metadata()));
        }
        return floor;
    }

    /** A constant of {@code type}: text, 0.5, false, or one of each inside a struct, an array or a map. */
    static Column constant(DataType type) {
        if (type instanceof StructType struct) {
            return struct(Arrays.stream(struct.fields())
                    .map(field -> constant(field.dataType()).as(field.name()))
                    .toArray(Column[]::new));
        }
        if (type instanceof ArrayType list) {
            return array(constant(list.elementType()));
        }
        if (type instanceof MapType pairs) {
            return map(constant(pairs.keyType()), constant(pairs.valueType()));
        }
        if (type.equals(DataTypes.StringType)) {
            return lit("constant");
        }
        if (type.equals(DataTypes.DoubleType)) {
            return lit(0.5);
        }
        if (type.equals(DataTypes.BooleanType)) {
            return lit(false);
        }
        throw new IllegalArgumentException("no constant of type " + type);
    }
}
