package org.tabserve.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The batch job: scores a Parquet table with a tabserve model ({@link TabserveModel}) and writes it, with each row's
 * answer and errors, as Parquet. {@code spark/job ScoreParquet} runs it as a driver; {@code spark-submit --class
 * org.tabserve.spark.ScoreParquet} does too. It ends saying the rows in, answered and refused, with the first reasons
 * ({@link JobSummary}), and exits 1 when every row was refused, or more than {@code --max-refused} (a count, or a
 * share of the rows: {@code 1%}).
 */
public final class ScoreParquet {

    static final String USAGE = "usage: ScoreParquet --model FILE --in PARQUET --out PARQUET [--master URL]"
            + " [--batch-size N] [--coverage C] [--explain] [--fail-on-error] [--partitions N] [--session-per-partition]"
            + " [--max-refused N|P%]";

    private ScoreParquet() {}

    public static void main(String[] args) {
        int status = run(args);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** @return the job's exit status: 0, or 1 when every row was refused or more than {@code --max-refused} */
    static int run(String[] args) {
        JobOptions options = JobOptions.parse(args, USAGE, List.of("--model", "--in", "--out"));
        String maxRefused = options.has("--max-refused") ? options.value("--max-refused") : null;
        if (maxRefused != null) {
            JobSummary.limit(maxRefused, maxRefused.endsWith("%")); // refused before the job, not after it
        }
        SparkSession spark = options.session("tabserve-score");
        try {
            Dataset<Row> table = options.has("--partitions")
                    ? partitioned(spark, options.path("--in"), Integer.parseInt(options.value("--partitions")))
                    : spark.read().parquet(options.path("--in"));
            TabserveModel model = new TabserveModel()
                    .setModelPath(options.path("--model"))
                    .setFailOnError(options.has("--fail-on-error"))
                    .setSessionPerPartition(options.has("--session-per-partition"))
                    .setExplain(options.has("--explain"));
            if (options.has("--batch-size")) {
                model.setBatchSize(Integer.parseInt(options.value("--batch-size")));
            }
            if (options.has("--coverage")) {
                model.setCoverage(Double.parseDouble(options.value("--coverage")));
            }
            TaskTime tasks = TaskTime.listen(spark);
            long started = System.nanoTime();
            model.transform(table).write().mode("overwrite").parquet(options.path("--out"));
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf(
                    "tabserve-spark: scored %s into %s in %.1f s%n",
                    options.value("--in"), options.value("--out"), seconds);
            System.out.println("tabserve-spark: " + tasks.summary());
            JobSummary summary =
                    JobSummary.of(spark.read().parquet(options.path("--out")), model.getOrDefault(model.errorCol()));
            System.out.println("tabserve-spark: " + summary.line());
            String failure = summary.failure(maxRefused);
            if (failure != null) {
                System.err.println("tabserve-spark: failed: " + failure + "; the rows' errors are in the column '"
                        + model.getOrDefault(model.errorCol()) + "' of " + options.value("--out"));
                return 1;
            }
            return 0;
        } finally {
            spark.stop();
        }
    }

    /**
     * The table in {@code partitions} partitions: one per file when it has that many files (each file costs as much as
     * a whole partition's bytes to open, so no two share one), read with no shuffle; otherwise repartitioned, which
     * shuffles every row.
     */
    static Dataset<Row> partitioned(SparkSession spark, String path, int partitions) {
        String open = spark.conf().get("spark.sql.files.openCostInBytes");
        spark.conf().set("spark.sql.files.openCostInBytes", spark.conf().get("spark.sql.files.maxPartitionBytes"));
        Dataset<Row> table = spark.read().parquet(path);
        int read = table.javaRDD().getNumPartitions();
        if (read == partitions) {
            System.out.println("tabserve-spark: " + partitions + " partitions, one per file, no shuffle");
            return table;
        }
        spark.conf().set("spark.sql.files.openCostInBytes", open);
        System.out.println("tabserve-spark: the table's " + read + " files repartitioned to " + partitions
                + " partitions (a shuffle)");
        return spark.read().parquet(path).repartition(partitions);
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
            return session(name, null);
        }

        /**
         * @param local the master when neither {@code --master} nor spark-submit ({@code spark.master}) names one, or
         *              null to leave it to Spark (which then fails, "A master URL must be set")
         */
        SparkSession session(String name, String local) {
            SparkSession.Builder builder = SparkSession.builder().appName(name);
            if (has("--master")) {
                builder = builder.master(value("--master"));
            } else if (local != null && !new org.apache.spark.SparkConf().contains("spark.master")) {
                builder = builder.master(local);
            }
            return builder.getOrCreate();
        }
    }
}
