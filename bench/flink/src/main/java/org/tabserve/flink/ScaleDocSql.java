package org.tabserve.flink;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;

/**
 * Runs the {@code sql} block of docs/scale.md's Flink section as written, in a Flink mini-cluster, over two bank notes
 * (a genuine one and a forged one) against a running tabserve serving the bundled model, and prints the answers; only
 * the endpoint and, for Flink 2.3.0, the provider ({@code triton-checked}, {@link CheckedTritonFactory}) are put in.
 *
 * <p>Arguments: {@code SCALE-MD ENDPOINT [PROVIDER]}.
 */
public final class ScaleDocSql {

    public static void main(String[] args) throws Exception {
        String provider = args.length > 2 ? args[2] : CheckedTritonFactory.IDENTIFIER;
        TableEnvironment sql = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        sql.executeSql("CREATE VIEW notes AS SELECT * FROM (VALUES (1, 3.6216, 8.6661, -2.8073, -0.44699), "
                + "(2, -1.3971, 3.3191, -1.3927, -1.9948)) AS t(id, variance, skewness, curtosis, entropy)");
        for (String statement : statements(Path.of(args[0]))) {
            String run = statement
                    .replace("'provider' = 'triton'", "'provider' = '" + provider + "'")
                    .replace("http://tabserve:8080", args[1]);
            if (run.strip().startsWith("SELECT")) {
                sql.executeSql(run).print();
            } else {
                sql.executeSql(run);
            }
        }
    }

    /** The statements of the page's one {@code sql} block, without their comments. */
    static List<String> statements(Path page) throws Exception {
        StringBuilder block = new StringBuilder();
        boolean in = false;
        for (String line : Files.readAllLines(page)) {
            if (line.startsWith("```")) {
                in = line.equals("```sql");
                continue;
            }
            if (in) {
                block.append(line.replaceAll("--.*$", "")).append('\n');
            }
        }
        List<String> statements = new ArrayList<>();
        for (String statement : block.toString().split(";")) {
            if (!statement.isBlank()) {
                statements.add(statement);
            }
        }
        return statements;
    }
}
