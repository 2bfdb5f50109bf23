package org.tabserve.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Makes a Parquet table of bank notes to score (the test's and the benchmark's): the committed CSV's 1,372 rows
 * repeated to {@code --rows} rows with an {@code id}, written in {@code --partitions} files; with {@code --bad N}, the
 * first N ids have no {@code variance}, which the bank-note model refuses.
 */
public final class NotesTable {

    static final String USAGE = "usage: NotesTable --csv data/BankNote_Authentication.csv --rows N --out PARQUET"
            + " [--master URL] [--partitions N] [--bad N]";

    private NotesTable() {}

    public static void main(String[] args) {
        ScoreParquet.JobOptions options =
                ScoreParquet.JobOptions.parse(args, USAGE, List.of("--csv", "--rows", "--out"));
        long rows = Long.parseLong(options.value("--rows"));
        int partitions = options.has("--partitions") ? Integer.parseInt(options.value("--partitions")) : 8;
        long bad = options.has("--bad") ? Long.parseLong(options.value("--bad")) : 0;
        SparkSession spark = options.session("tabserve-notes-table");
        try {
            StructType schema = new StructType()
                    .add("variance", DataTypes.DoubleType)
                    .add("skewness", DataTypes.DoubleType)
                    .add("curtosis", DataTypes.DoubleType)
                    .add("entropy", DataTypes.DoubleType)
                    .add("class", DataTypes.IntegerType);
            // One file, one partition: each note's number is its line, 0 to 1,371.
            Dataset<Row> notes = spark.read()
                    .option("header", "true")
                    .schema(schema)
                    .csv(options.path("--csv"))
                    .withColumn("note", monotonically_increasing_id())
                    .cache();
            long count = notes.count();
            Dataset<Row> table = spark.range(0, rows / count + 1, 1, partitions)
                    .withColumnRenamed("id", "copy")
                    .crossJoin(notes)
                    .withColumn("id", col("copy").multiply(count).plus(col("note")))
                    .where(col("id").lt(rows))
                    .drop("copy", "note")
                    .withColumn(
                            "variance",
                            when(col("id").lt(bad), lit(null).cast("double")).otherwise(col("variance")));
            table.write().mode("overwrite").parquet(options.path("--out"));
            System.out.println("tabserve-spark: wrote " + rows + " bank notes to " + options.value("--out"));
        } finally {
            spark.stop();
        }
    }
}
