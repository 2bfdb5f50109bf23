package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tabserve.rows.json.JsonRowsParser;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.Problems;
import org.tabserve.web.mlflow.MlflowRequestParser;
import org.tabserve.web.v2.V2InferRequestParser;

/**
 * A batch of no rows is a 400 saying so on every route, as v2's shape [0, n] and a CSV with a header only already
 * were: {@code {"instances": []}} to {@code /api/predict} and MLflow's empty layouts answered 200 with no predictions.
 */
class EmptyBatchTest {

    private static ByteArrayInputStream utf8(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void apiPredictWithNoInstancesIsA400OnBothPaths() {
        for (boolean plain : new boolean[] {true, false}) {
            HttpProblem problem = Problems.thrownBy(() ->
                    new JsonRowsParser(RequestParsersFuzzTest.SIGNATURE, 10, plain).parse(utf8("{\"instances\": []}")));
            assertEquals(400, problem.status());
            assertEquals("\"instances\" has no rows; send at least one", problem.detail());
        }
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"dataframe_records\": []}                          | \"dataframe_records\" has no rows",
                "{\"dataframe_split\": {\"columns\": [\"variance\", \"skewness\", \"curtosis\", \"entropy\"], \"data\": []}} | \"dataframe_split\" has no rows",
                "{\"instances\": []}                                  | \"instances\" has no rows",
                "{\"inputs\": []}                                     | \"inputs\" has no rows",
                "{\"inputs\": {\"variance\": [], \"skewness\": [], \"curtosis\": [], \"entropy\": []}} | \"inputs\" has no rows"
            })
    void mlflowWithNoRowsIsA400(String body, String expected) {
        HttpProblem problem = Problems.thrownBy(
                () -> new MlflowRequestParser(RequestParsersFuzzTest.SIGNATURE, 10).parseJson(utf8(body)));
        assertEquals(400, problem.status());
        assertTrue(problem.detail().contains(expected), problem.detail());
    }

    @Test
    void mlflowCsvWithAHeaderOnlyIsA400() {
        HttpProblem problem = Problems.thrownBy(() -> new MlflowRequestParser(RequestParsersFuzzTest.SIGNATURE, 10)
                .parseCsv(utf8("variance,skewness,curtosis,entropy\n")));
        assertEquals(400, problem.status());
        assertTrue(problem.detail().contains("no data rows"), problem.detail());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"[0, 4] | has no rows", "[0] | must have shape"})
    void v2WithNoRowsIsA400(String shape, String expected) {
        HttpProblem problem = Problems.thrownBy(() -> new V2InferRequestParser(RequestParsersFuzzTest.SIGNATURE, 10)
                .parse(utf8("{\"inputs\": [{\"name\": \"input\", \"datatype\": " + "\"FP32\", \"shape\": " + shape
                        + ", \"data\": []}]}")));
        assertEquals(400, problem.status());
        assertTrue(problem.detail().contains(expected), problem.detail());
    }
}
