package org.tabserve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.Batch;
import org.tabserve.predictionlog.PredictionLog;
import org.tabserve.predictionlog.PredictionLogOptions;
import org.tabserve.predictionlog.ScoredCall;

/**
 * Issue 51, item 7: a log that mixes two versions of one model (a canary's) comes back from {@code log-csv} with a
 * {@code version} column, each row naming the version that answered it, so that the rows of each can be told apart.
 */
class LogCsvVersionColumnTest {

    @Test
    void eachRowNamesTheVersionThatAnsweredIt(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("log");
        List<Long> versions = List.of(1L, 2L, 2L, 1L, 2L);
        try (Model model = OnnxModelLoader.load(Path.of("model.onnx"));
                PredictionLog predictionLog = PredictionLog.start(
                        new PredictionLogOptions(log, 1, Set.of(), 64 << 10, 20, 100_000), 64L << 20)) {
            for (int i = 0; i < versions.size(); i++) {
                Batch batch = Batch.ofNumbers(model.signature(), new double[][] {{i, -i, 0.5 * i, 1}});
                predictionLog.offer(new ScoredCall(
                        "call-" + i,
                        "POST /api/predict",
                        "banknote",
                        versions.get(i),
                        model,
                        Instant.now(),
                        1_000,
                        batch,
                        model.predict(batch),
                        null,
                        null,
                        null));
                Thread.sleep(20); // one batch at a time, so that the log keeps their order
            }
        }
        Path rows = dir.resolve("rows.csv");
        CardCommandTest.Result result = CardCommandTest.run(
                "log-csv", "--log", log.toString(), "--model", "banknote", "--out", rows.toString());
        assertEquals(0, result.status(), result.err());
        List<CSVRecord> records = CSVFormat.DEFAULT
                .builder()
                .setHeader()
                .build()
                .parse(new StringReader(Files.readString(rows)))
                .getRecords();
        List<String> read = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (CSVRecord record : records) {
            // Before: no "version" column, and no way to tell version 1's rows from version 2's.
            read.add(record.get("version"));
            ids.add(record.get("request_id"));
        }
        assertEquals(List.of("call-0", "call-1", "call-2", "call-3", "call-4"), ids);
        assertEquals(List.of("1", "2", "2", "1", "2"), read);
    }
}
