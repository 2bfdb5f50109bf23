package org.tabserve.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Makes a Parquet table to score (the test's and the benchmark's): a CSV's rows (the committed bank notes, or any CSV
 * with a header, e.g. the penguins, each column of the type Spark infers, an empty cell null) repeated to {@code --rows}
 * rows with an {@code id}, written in {@code --partitions} files of as many rows; with {@code --bad N}, the first N ids
 * have no {@code variance}, which the bank-note model refuses.
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
            // One file, one partition: each row's number is its line, from 0.
            Dataset<Row> notes = spark.read()
                    .option("header", "true")
                    .option("inferSchema", "true")
                    .csv(options.path("--csv"))
                    .withColumn("note", monotonically_increasing_id())
                    .cache();
            long count = notes.count();
            Dataset<Row> table = spark.range(0, rows / count + 1, 1, partitions)
                    .withColumnRenamed("id", "copy")
                    .crossJoin(notes)
                    .withColumn("id", col("copy").multiply(count).plus(col("note")))
                    .where(col("id").lt(rows))
                    .drop("copy", "note");
            if (bad > 0) {
                table = table.withColumn(
                        "variance",
                        when(col("id").lt(bad), lit(null).cast("double")).otherwise(col("variance")));
            }
            // Spark broadcasts the smaller side of the cross join (the copies) and streams the CSV's one partition:
            // spread evenly, so that each of the --partitions files holds as many rows.
            table.repartition(partitions).write().mode("overwrite").parquet(options.path("--out"));
            System.out.println("tabserve-spark: wrote " + rows + " rows to " + options.value("--out"));
        } finally {
            spark.stop();
        }
    }
}
