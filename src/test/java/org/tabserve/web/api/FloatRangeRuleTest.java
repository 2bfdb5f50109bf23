package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tabserve.model.signature.Batch;
import org.tabserve.rows.ParameterRowParser;
import org.tabserve.rows.csv.CsvRowsParser;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.RowsException;
import org.tabserve.rows.json.JsonRowsParser;
import org.tabserve.testing.BatchRows;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.Problems;
import org.tabserve.web.mlflow.MlflowRequestParser;
import org.tabserve.web.v2.V2InferRequestParser;

/**
 * One rule for a float feature's range on every route that reads numbers from text (JSON of {@code /api/predict} on
 * both of its paths, MLflow's JSON and CSV, the CSV upload, query and form values, v2's FP32): a value is taken when
 * it is finite once converted to the model's 32-bit float, and refused with a 400 naming the field when it is not.
 */
class FloatRangeRuleTest {

    private static final int MAX_ROWS = 10;

    /** Each route's reading of one row whose first feature, {@code variance}, is spelled {@code value}. */
    private static Map<String, Reader> routes() {
        Map<String, Reader> routes = new LinkedHashMap<>();
        routes.put(
                "/api/predict",
                v -> new JsonRowsParser(RequestParsersFuzzTest.SIGNATURE, MAX_ROWS)
                        .parse(utf8("{\"variance\": " + v + ", \"skewness\": 1, \"curtosis\": 1, \"entropy\": 1}"))
                        .rows());
        routes.put(
                "/api/predict, boxed cells",
                v -> new JsonRowsParser(RequestParsersFuzzTest.SIGNATURE, MAX_ROWS, false)
                        .parse(utf8("{\"instances\": [[" + v + ", 1, 1, 1]]}"))
                        .rows());
        routes.put(
                "/invocations JSON",
                v -> new MlflowRequestParser(RequestParsersFuzzTest.SIGNATURE, MAX_ROWS)
                        .parseJson(utf8("{\"dataframe_records\": [{\"variance\": " + v
                                + ", \"skewness\": 1, \"curtosis\": 1," + " \"entropy\": 1}]}")));
        routes.put(
                "/invocations CSV",
                v -> new MlflowRequestParser(RequestParsersFuzzTest.SIGNATURE, MAX_ROWS)
                        .parseCsv(utf8("variance,skewness,curtosis,entropy\n" + v + ",1,1,1\n"))
                        .get(0));
        routes.put("/predict_file", v -> {
            Batch[] first = new Batch[1];
            new CsvRowsParser(RequestParsersFuzzTest.SIGNATURE, MAX_ROWS)
                    .forEachChunk(
                            utf8("variance,skewness,curtosis,entropy\n" + v + ",1,1,1\n"),
                            chunk -> first[0] = chunk.batch());
            return first[0];
        });
        routes.put(
                "/predict query or form",
                v -> new ParameterRowParser(RequestParsersFuzzTest.SIGNATURE)
                        .parse(Map.of(
                                "variance",
                                new String[] {v},
                                "skewness",
                                new String[] {"1"},
                                "curtosis",
                                new String[] {"1"},
                                "entropy",
                                new String[] {"1"}))
                        .orThrow());
        routes.put(
                "v2 infer FP32",
                v -> new V2InferRequestParser(RequestParsersFuzzTest.SIGNATURE, MAX_ROWS)
                        .parse(utf8(
                                "{\"inputs\": [{\"name\": \"input\", \"datatype\": \"FP32\", \"shape\": [1, 4], \"data\": ["
                                        + v + ", 1, 1, 1]}]}"))
                        .batch());
        return routes;
    }

    interface Reader {
        Batch read(String value) throws IOException;
    }

    private static ByteArrayInputStream utf8(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "3.4028235e38",
                "3.4028235E38",
                "340282346638528859811704183484516925440",
                "3.40282356e38",
                "-3.4028235e38"
            })
    void aValueThatRoundsToTheLargestFloatIsTakenOnEveryRouteAsThatFloat(String value) throws IOException {
        float expected = value.startsWith("-") ? -Float.MAX_VALUE : Float.MAX_VALUE;
        for (Map.Entry<String, Reader> route : routes().entrySet()) {
            Batch batch;
            try {
                batch = route.getValue().read(value);
            } catch (HttpProblem | RowsException refusal) {
                HttpProblem problem = Problems.of(refusal);
                throw new AssertionError(route.getKey() + " refused " + value + ": " + text(problem));
            }
            assertEquals(expected, (float) BatchRows.of(batch)[0][0], route.getKey() + " took " + value);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.4028236e38", "3.5e38", "-3.5e38", "1e39", "1e300"})
    void aValueThatIsInfiniteAsAFloatIsA400NamingTheFieldOnEveryRoute(String value) {
        for (Map.Entry<String, Reader> route : routes().entrySet()) {
            HttpProblem problem =
                    Problems.thrownBy(() -> route.getValue().read(value), () -> route.getKey() + " took " + value);
            assertEquals(400, problem.status(), route.getKey());
            assertTrue(text(problem).contains("variance"), () -> route.getKey() + ": " + text(problem));
        }
    }

    private static String text(HttpProblem problem) {
        List<FieldProblem> errors = problem.errors();
        return problem.detail() + " "
                + errors.stream().map(e -> e.field() + ": " + e.message()).collect(Collectors.joining("; "));
    }
}
