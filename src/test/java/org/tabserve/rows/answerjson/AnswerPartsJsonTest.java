package org.tabserve.rows.answerjson;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tabserve.model.signature.RangeWarning;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.JsonText;

/** The parts of a JSON answer written apart from its predictions: a row's and a request's warnings, a bad row's errors. */
class AnswerPartsJsonTest {

    private interface Writing {
        void write(JsonGenerator json) throws IOException;
    }

    private static String object(Writing writing) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = JsonText.FACTORY.createGenerator(out)) {
            json.writeStartObject();
            writing.write(json);
            json.writeEndObject();
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aRowAlwaysHasItsWarningsARequestOnlyWhenItHasSome() throws IOException {
        List<RangeWarning> two = List.of(
                new RangeWarning("a", "the model has not seen an a this high"), new RangeWarning("b\"", "unknown"));
        String written = "{\"warnings\":[{\"feature\":\"a\",\"message\":\"the model has not seen an a this high\"},"
                + "{\"feature\":\"b\\\"\",\"message\":\"unknown\"}]}";
        assertEquals(written, object(json -> WarningsJson.write(json, two)));
        assertEquals(written, object(json -> WarningsJson.writeRequestWarnings(json, two)));
        assertEquals("{\"warnings\":[]}", object(json -> WarningsJson.write(json, List.of())));
        assertEquals("{}", object(json -> WarningsJson.writeRequestWarnings(json, List.of())));
    }

    @Test
    void aBadRowIsItsErrorsWithTheRowWhereKnown() throws IOException {
        List<FieldProblem> problems =
                List.of(new FieldProblem("a", "not a number", 3), new FieldProblem("rows", "too many", null));
        assertEquals(
                "{\"x\":{\"errors\":[{\"field\":\"a\",\"message\":\"not a number\",\"row\":3},"
                        + "{\"field\":\"rows\",\"message\":\"too many\"}]}}",
                object(json -> {
                    json.writeFieldName("x");
                    RowErrorsJson.write(json, problems);
                }));
    }
}
