package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tabserve.rows.json.JsonRowsParser;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.Problems;
import org.tabserve.web.mlflow.MlflowRequestParser;
import org.tabserve.web.v2.V2InferRequestParser;

/**
 * Every JSON route's parser ({@code /api/predict} on both of its paths, MLflow's {@code /invocations}, v2 infer) reads
 * its body as UTF-8 only (RFC 8259 §8.1): an overlong form, a UTF-16 or a UTF-32 body is a 400 naming the byte offset,
 * where Jackson alone read {@code C0 AF} as '/' and decoded UTF-16 and UTF-32.
 */
class JsonBodyIsUtf8Test {

    private static final String ROW = "{\"variance\": 1, \"skewness\": 2, \"curtosis\": 3, \"entropy\": 4}";

    interface Parse {
        void parse(InputStream body) throws IOException;
    }

    /** Each route's parser, with a body of one row in that route's layout. */
    private static Map<String, Map.Entry<Parse, String>> routes() {
        Map<String, Map.Entry<Parse, String>> routes = new LinkedHashMap<>();
        routes.put(
                "/api/predict", Map.entry(b -> new JsonRowsParser(RequestParsersFuzzTest.SIGNATURE, 10).parse(b), ROW));
        routes.put(
                "/api/predict, boxed cells",
                Map.entry(
                        b -> new JsonRowsParser(RequestParsersFuzzTest.SIGNATURE, 10, false).parse(b),
                        "{\"instances\": [" + ROW + "]}"));
        routes.put(
                "/invocations",
                Map.entry(
                        b -> new MlflowRequestParser(RequestParsersFuzzTest.SIGNATURE, 10).parseJson(b),
                        "{\"dataframe_records\": [" + ROW + "]}"));
        routes.put(
                "v2 infer",
                Map.entry(
                        b -> new V2InferRequestParser(RequestParsersFuzzTest.SIGNATURE, 10).parse(b),
                        "{\"inputs\": [{\"name\": \"input\", \"datatype\": \"FP32\", \"shape\": [1, 4], \"data\": [1, 2, 3, 4]}]}"));
        return routes;
    }

    @Test
    void eachRouteTakesItsBodyInUtf8() throws IOException {
        for (var route : routes().entrySet()) {
            route.getValue()
                    .getKey()
                    .parse(new ByteArrayInputStream(route.getValue().getValue().getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void anOverlongSlashInAKeyIsA400NamingItsByteOffsetOnEveryRoute() {
        for (var route : routes().entrySet()) {
            String body = route.getValue().getValue();
            int at = body.indexOf('"') + 1; // an overlong '/' as the first byte of the first key
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.writeBytes(body.substring(0, at).getBytes(StandardCharsets.UTF_8));
            bytes.write(0xC0);
            bytes.write(0xAF);
            bytes.writeBytes(body.substring(at).getBytes(StandardCharsets.UTF_8));
            HttpProblem problem = Problems.thrownBy(
                    () -> route.getValue().getKey().parse(new ByteArrayInputStream(bytes.toByteArray())),
                    route.getKey());
            assertEquals(400, problem.status());
            assertTrue(
                    problem.detail()
                            .contains("invalid UTF-8 at byte offset " + at + " (counted from 0): 0xC0 starts"
                                    + " an overlong"),
                    () -> route.getKey() + ": " + problem.detail());
        }
    }

    @Test
    void utf16AndUtf32BodiesAreA400SayingJsonMustBeUtf8OnEveryRoute() {
        for (var route : routes().entrySet()) {
            for (String charset : new String[] {"UTF-16", "UTF-16LE", "UTF-32"}) {
                byte[] body = route.getValue().getValue().getBytes(java.nio.charset.Charset.forName(charset));
                HttpProblem problem = Problems.thrownBy(
                        () -> route.getValue().getKey().parse(new ByteArrayInputStream(body)), route.getKey());
                assertEquals(400, problem.status());
                assertTrue(
                        problem.detail().contains("JSON must be UTF-8"),
                        () -> route.getKey() + ", " + charset + ": " + problem.detail());
            }
        }
    }
}
