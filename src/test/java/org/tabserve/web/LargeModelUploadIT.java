package org.tabserve.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.TabserveProcess;

/**
 * Issue 15: an admin upload of a model far larger than the heap (150 MB at {@code -Xmx64m}) was read whole into the
 * heap and answered 500 with an OutOfMemoryError. The upload streams to a temporary file and the model is mapped
 * from it, so it is swapped in and serves.
 */
class LargeModelUploadIT {

    private static final String TOKEN = "test-admin-token-0123456789abcdef";
    private static final int EXTRA_BYTES = 150 << 20;

    @Test
    void aModelMuchLargerThanTheHeapIsSwappedInAndServes() throws Exception {
        // The bundled model's graph with an unused 150 MB initializer: the same signature, so the swap is allowed.
        OnnxMl.ModelProto bundled = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(BankNotes.MODEL));
        OnnxMl.TensorProto ballast = OnnxMl.TensorProto.newBuilder()
                .setName("ballast")
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
                .addDims(EXTRA_BYTES / 4)
                .setRawData(ByteString.copyFrom(new byte[EXTRA_BYTES]))
                .build();
        byte[] model = bundled.toBuilder()
                .setGraph(bundled.getGraph().toBuilder().addInitializer(ballast))
                .build()
                .toByteArray();
        String sha256 =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(model));

        try (TabserveProcess server = TabserveProcess.startReady(Map.of(
                "JAVA_TOOL_OPTIONS",
                "-Xmx64m",
                "TABSERVE_ADMIN_TOKEN",
                TOKEN,
                "TABSERVE_MAX_UPLOAD_BYTES",
                Long.toString(300L << 20)))) {
            HttpClient client = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
            HttpResponse<String> swapped = client.send(
                    HttpRequest.newBuilder(server.uri("/admin/model"))
                            .header("Content-Type", "application/octet-stream")
                            .header("Authorization", "Bearer " + TOKEN)
                            .timeout(Duration.ofMinutes(2))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(model))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, swapped.statusCode(), swapped.body() + "\n" + String.join("\n", server.output()));
            assertTrue(swapped.body().contains("\"sha256\":\"" + sha256 + "\""), swapped.body());

            HttpResponse<String> predicted = client.send(
                    HttpRequest.newBuilder(server.uri("/api/predict"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"variance\": 3.6, \"skewness\": 8.6, \"curtosis\": -2.8, \"entropy\": -0.44}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, predicted.statusCode(), predicted.body());
            assertTrue(predicted.body().contains("\"label\":\"0\""), predicted.body());
            assertTrue(
                    server.output().stream().noneMatch(l -> l.contains("OutOfMemoryError") || l.contains("SEVERE")),
                    () -> String.join("\n", server.output()));
        }
    }
}
