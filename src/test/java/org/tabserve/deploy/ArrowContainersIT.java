package org.tabserve.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.tabserve.rows.arrow.ArrowStreams;
import org.tabserve.testing.BankNotes;

/**
 * The same WAR deployed to Tomcat 10.1 and to a Jetty base (as the Docker image runs it), with no JVM option beyond
 * what those deployments already have (no {@code --add-opens}): each reads an Arrow IPC body on {@code /invocations}
 * and answers in Arrow, so Arrow asks nothing of a container's JVM.
 */
class ArrowContainersIT {

    @Test
    void tomcatAndAJettyBaseReadAndAnswerArrowWithNoJvmFlag() throws Exception {
        byte[] body = notes();
        try (ServerProcess tomcat = Containers.startTomcat("arrow-tomcat", Map.of())) {
            tomcat.awaitReadiness(200, Duration.ofSeconds(120));
            answersInArrow(tomcat.base(), body);
        }
        try (ServerProcess jetty = Containers.startJettyBase("arrow-jetty", Map.of())) {
            jetty.awaitReadiness(200, Duration.ofSeconds(120));
            answersInArrow(jetty.base(), body);
        }
    }

    /** The first 100 bank notes as float64 columns, written by the heap channel (this JVM may open java.nio). */
    private static byte[] notes() throws Exception {
        List<String> lines = Files.readAllLines(BankNotes.DATA).subList(1, 101);
        ArrowType type = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
        try (BufferAllocator allocator = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(
                        new Schema(BankNotes.FEATURES.stream()
                                .map(n -> Field.nullable(n, type))
                                .toList()),
                        allocator)) {
            root.allocateNew();
            for (int r = 0; r < lines.size(); r++) {
                String[] cells = lines.get(r).split(",");
                for (int c = 0; c < 4; c++) {
                    ((Float8Vector) root.getVector(c)).setSafe(r, Double.parseDouble(cells[c]));
                }
            }
            root.setRowCount(lines.size());
            return ArrowStreams.write(root, List.of());
        }
    }

    private static void answersInArrow(URI base, byte[] body) throws Exception {
        HttpResponse<byte[]> answer = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(base.resolve("invocations"))
                                .timeout(Duration.ofSeconds(60))
                                .header("Content-Type", "application/vnd.apache.arrow.stream")
                                .header("Accept", "application/vnd.apache.arrow.stream")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, answer.statusCode(), new String(answer.body(), java.nio.charset.StandardCharsets.UTF_8));
        int rows = 0;
        try (BufferAllocator allocator = new RootAllocator();
                ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(answer.body()), allocator)) {
            while (reader.loadNextBatch()) {
                VarCharVector labels =
                        (VarCharVector) reader.getVectorSchemaRoot().getVector("label");
                for (int r = 0; r < reader.getVectorSchemaRoot().getRowCount(); r++, rows++) {
                    assertTrue(List.of("0", "1").contains(labels.getObject(r).toString()));
                }
            }
        }
        assertEquals(100, rows);
    }
}
