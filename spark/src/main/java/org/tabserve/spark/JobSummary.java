package org.tabserve.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What a scoring job did with its rows, read back from the table it wrote: rows in, answered, refused, and the first
 * distinct reasons for a refusal (one wording per cause, as every format words it); and whether the job should fail,
 * when every row was refused or more than {@code --max-refused} were.
 *
 * @param rows     the rows the job read (one written for each)
 * @param refused  the rows written with errors and no answer
 * @param reasons  at most {@link #REASONS} distinct reasons, each "field: message"
 */
record JobSummary(long rows, long refused, List<String> reasons) {

    /** The most reasons a summary names. */
    static final int REASONS = 3;

    /** @param errorCol the written table's column of each row's errors */
    static JobSummary of(Dataset<Row> written, String errorCol) {
        Row counts = written.agg(count(lit(1)), count(col(errorCol))).first();
        long refused = counts.getLong(1);
        Set<String> reasons = new LinkedHashSet<>();
        if (refused > 0) {
            for (Row error : written.where(col(errorCol).isNotNull())
                    .select(explode(col(errorCol)).as("error"))
                    .select(col("error.field"), col("error.message"))
                    .limit(50)
                    .collectAsList()) {
                if (reasons.size() < REASONS) {
                    reasons.add(error.getString(0) + ": " + error.getString(1));
                }
            }
        }
        return new JobSummary(counts.getLong(0), refused, List.copyOf(reasons));
    }

    long answered() {
        return rows - refused;
    }

    /** The job's summary line: rows in, answered, refused, and the first reasons. */
    String line() {
        String said = String.format(Locale.ROOT, "%,d rows in, %,d answered, %,d refused", rows, answered(), refused);
        return reasons.isEmpty() ? said : said + "; the first reasons: " + String.join("; ", reasons);
    }

    /**
     * @param maxRefused {@code --max-refused}: a count ({@code 10}) or a share of the rows ({@code 1%}), or null
     * @return why the job fails, or null when it does not: every row refused, or more than {@code maxRefused}
     */
    String failure(String maxRefused) {
        if (rows > 0 && refused == rows) {
            return "every row was refused (" + String.format(Locale.ROOT, "%,d", rows) + ")";
        }
        if (maxRefused == null) {
            return null;
        }
        boolean share = maxRefused.endsWith("%");
        double limit = limit(maxRefused, share);
        boolean past = share ? refused * 100.0 > limit * rows : refused > limit;
        return past
                ? String.format(
                        Locale.ROOT,
                        "%,d of %,d rows were refused, more than --max-refused %s",
                        refused,
                        rows,
                        maxRefused)
                : null;
    }

    /** {@code --max-refused}'s number: a whole count, or a share from 0 to 100 before its {@code %}. */
    static double limit(String maxRefused, boolean share) {
        String number = share ? maxRefused.substring(0, maxRefused.length() - 1) : maxRefused;
        try {
            double limit = share ? Double.parseDouble(number) : Long.parseLong(number);
            if (limit >= 0 && (!share || limit <= 100) && Double.isFinite(limit)) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // told below
        }
        throw new IllegalArgumentException("--max-refused takes a count of rows (10) or a share of them from 0% to"
                + " 100% (1%); got '" + maxRefused + "'");
    }
}
