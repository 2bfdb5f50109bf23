package org.tabserve.web.openapi;

import static io.swagger.v3.oas.annotations.media.Schema.AdditionalPropertiesValue.FALSE;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** The error answers' shapes every document has, as records {@link DerivedSchemas} derives their schemas from. */
final class ProblemShapes {

    private ProblemShapes() {}

    @Schema(requiredProperties = {"field", "message"})
    record FieldProblem(
            @Schema(description = "the feature, parameter or CSV column")
            String field,

            String message,

            @Schema(description = "the row, counted from 0 in every format: a batch's instance or a file's data row")
            int row) {}

    @Schema(
            description = "A row of a batch answered with ?on_error=row that could not be scored, in its place: every"
                    + " problem found in it",
            requiredProperties = "errors",
            additionalProperties = FALSE)
    record RowErrors(
            @ArraySchema(schema = @Schema(ref = "FieldProblem"), minItems = 1)
            List<Object> errors) {}

    @Schema(
            description = "RFC 9457 problem details",
            requiredProperties = {"type", "title", "status", "detail"})
    record Problem(
            String type,
            String title,
            int status,
            String detail,
            String instance,

            @ArraySchema(schema = @Schema(ref = "FieldProblem"))
            List<Object> errors) {}
}
