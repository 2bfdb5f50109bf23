package org.tabserve.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.Model;

/**
 * Issue 34 item 20: a model whose {@code label} is declared {@code [1]} and returns {@code [N]} (as older LightGBM
 * converters write it; built here by {@link OnnxModels#labelDeclaredForOneRow}) made ONNX Runtime write a coloured
 * {@code [W:onnxruntime:, execution_frame.cc:905 VerifyOutputSizes] Expected shape from model of {1} does not match
 * actual shape of {20} for output label} on stderr on every call, {@code card} and {@code score} included. It is said
 * once, at load, in the app's log, and never on stderr.
 */
class DeclaredShapesTest {

    private static final List<Long> CLASSES = List.of(0L, 1L, 2L);

    @TempDir
    Path dir;

    @Test
    void aShapeTheModelDoesNotKeepIsSaidOnceAtLoadInTheAppsLog() throws IOException {
        Path file =
                OnnxModels.labelDeclaredForOneRow(dir.resolve("label-of-one.onnx"), LinearModel.THREE_CLASSES, CLASSES);
        Logger logger = Logger.getLogger(DeclaredShapes.class.getName());
        List<String> said = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                said.add(MessageFormat.format(record.getMessage(), record.getParameters()));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        java.util.logging.Level level = logger.getLevel();
        logger.setLevel(java.util.logging.Level.INFO); // the tests' logging settings keep the model core's INFO quiet
        logger.addHandler(capture);
        try (Model model = OnnxModelLoader.load(file)) {
            assertEquals(20, model.predict(rows(20)).size());
            assertEquals(20, model.predict(rows(20)).size());
        } finally {
            logger.removeHandler(capture);
            logger.setLevel(level);
        }
        assertEquals(1, said.size(), said::toString);
        assertTrue(
                said.get(0)
                        .endsWith("label-of-one.onnx: output 'label' declares the shape [1] and returns [2] for"
                                + " 2 rows; tabserve reads what it returns, and ONNX Runtime's warning about this on every call is not"
                                + " shown"),
                said.get(0));
    }

    @Test
    void agreementIsJudgedAsOnnxRuntimeJudgesIt() {
        var n = org.tabserve.model.onnx.graph.Dimension.named("N");
        var three = org.tabserve.model.onnx.graph.Dimension.fixed(3);
        var one = org.tabserve.model.onnx.graph.Dimension.fixed(1);
        assertTrue(DeclaredShapes.agrees(List.of(n, three), new long[] {20, 3}));
        assertTrue(DeclaredShapes.agrees(List.of(org.tabserve.model.onnx.graph.Dimension.UNKNOWN), new long[] {7}));
        assertEquals(false, DeclaredShapes.agrees(List.of(one), new long[] {20}));
        assertEquals(false, DeclaredShapes.agrees(List.of(n), new long[] {20, 1}));
    }

    /** {@code score} and {@code card} as the WAR runs them (their own JVM: ONNX Runtime writes to the process's stderr). */
    @Test
    void scoreAndCardWriteNoOnnxRuntimeWarning() throws Exception {
        Path model =
                OnnxModels.labelDeclaredForOneRow(dir.resolve("label-of-one.onnx"), LinearModel.THREE_CLASSES, CLASSES);
        List<String> lines = new ArrayList<>(List.of("f0,f1,f2,f3,label"));
        double[][] rows = rows(20);
        for (int r = 0; r < rows.length; r++) {
            lines.add(rows[r][0] + "," + rows[r][1] + "," + rows[r][2] + "," + rows[r][3] + "," + r % 3);
        }
        Path data = Files.write(dir.resolve("rows.csv"), lines);
        for (List<String> command : List.of(
                List.of(
                        "score",
                        "--model",
                        model.toString(),
                        "--data",
                        data.toString(),
                        "--out",
                        dir.resolve("scored.csv").toString()),
                List.of(
                        "card",
                        "--model",
                        model.toString(),
                        "--data",
                        data.toString(),
                        "--label",
                        "label",
                        "--out",
                        dir.resolve("carded.onnx").toString()))) {
            List<String> line = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    "org.tabserve.cli.Commands"));
            line.addAll(command);
            Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, process.exitValue(), output);
            assertTrue(output.lines().noneMatch(l -> l.contains("onnxruntime")), () -> command.get(0) + ":\n" + output);
        }
    }

    /** Seeded rows of the model's four inputs. */
    private static double[][] rows(int count) {
        java.util.Random random = new java.util.Random(7);
        double[][] rows = new double[count][4];
        for (double[] row : rows) {
            for (int c = 0; c < 4; c++) {
                row[c] = Math.round((random.nextDouble() * 4 - 2) * 1000) / 1000.0;
            }
        }
        return rows;
    }
}
