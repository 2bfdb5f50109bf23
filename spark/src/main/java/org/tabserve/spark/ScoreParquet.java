package org.tabserve.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The batch job: scores a Parquet table with a tabserve model ({@link TabserveModel}) and writes it, with each row's
 * answer and errors, as Parquet. {@code spark/score} runs it as a driver; {@code spark-submit --class
 * org.tabserve.spark.ScoreParquet} does too.
 */
public final class ScoreParquet {

    static final String USAGE = "usage: ScoreParquet --model FILE --in PARQUET --out PARQUET [--master URL]"
            + " [--batch-size N] [--coverage C] [--fail-on-error] [--partitions N] [--session-per-partition]";

    private ScoreParquet() {}

    public static void main(String[] args) {
        JobOptions options = JobOptions.parse(args, USAGE, List.of("--model", "--in", "--out"));
        SparkSession spark = options.session("tabserve-score");
        try {
            Dataset<Row> table = spark.read().parquet(options.path("--in"));
            if (options.has("--partitions")) {
                table = table.repartition(Integer.parseInt(options.value("--partitions")));
            }
            TabserveModel model = new TabserveModel()
                    .setModelPath(options.path("--model"))
                    .setFailOnError(options.has("--fail-on-error"))
                    .setSessionPerPartition(options.has("--session-per-partition"));
            if (options.has("--batch-size")) {
                model.setBatchSize(Integer.parseInt(options.value("--batch-size")));
            }
            if (options.has("--coverage")) {
                model.setCoverage(Double.parseDouble(options.value("--coverage")));
            }
            long started = System.nanoTime();
            model.transform(table).write().mode("overwrite").parquet(options.path("--out"));
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf(
                    "tabserve-spark: scored %s into %s in %.1f s%n",
                    options.value("--in"), options.value("--out"), seconds);
        } finally {
            spark.stop();
        }
    }

    /** The flags of a job's command line: {@code --name value} pairs and bare switches. */
    record JobOptions(List<String> args) {

        static JobOptions parse(String[] args, String usage, List<String> required) {
            JobOptions options = new JobOptions(new ArrayList<>(List.of(args)));
            for (String name : required) {
                if (!options.has(name)) {
                    System.err.println(usage);
                    throw new IllegalArgumentException(name + " is required; " + usage);
                }
            }
            return options;
        }

        boolean has(String name) {
            return args.contains(name);
        }

        /** A path flag's value; a local path is made absolute here, on the driver, for the executors. */
        String path(String name) {
            String path = value(name);
            return path.contains(":/")
                    ? path
                    : java.nio.file.Path.of(path).toAbsolutePath().toString();
        }

        String value(String name) {
            int at = args.indexOf(name);
            if (at < 0 || at + 1 >= args.size()) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            return args.get(at + 1);
        }

        /** A session of {@code --master}'s cluster, or of the one spark-submit gives. */
        SparkSession session(String name) {
            SparkSession.Builder builder = SparkSession.builder().appName(name);
            if (has("--master")) {
                builder = builder.master(value("--master"));
            }
            return builder.getOrCreate();
        }
    }
}
