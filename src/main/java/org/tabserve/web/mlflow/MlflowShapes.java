package org.tabserve.web.mlflow;

import static io.swagger.v3.oas.annotations.media.Schema.AdditionalPropertiesValue.FALSE;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import org.tabserve.web.openapi.DerivedSchemas;

/**
 * MLflow's request and answer parts that do not depend on the model, as records {@link DerivedSchemas} derives their
 * OpenAPI schemas from for {@link MlflowOpenApi}. Their components are named as the JSON keys.
 */
final class MlflowShapes {

    private MlflowShapes() {}

    @Schema(
            requiredProperties = {"feature", "message"},
            additionalProperties = FALSE)
    record Warning(
            @Schema(description = "the feature, or a column sent that the model does not take")
            String feature,

            @Schema(
                    description = "what was done or is unusual, e.g. that a missing text cell was taken as the"
                            + " category the model card names")
            String message,

            @ArraySchema(
                    arraySchema =
                            @Schema(
                                    description = "the rows it was said of, by their place in the body from 0;"
                                            + " absent for a column ignored"))
            List<Integer> rows) {}

    @Schema(
            nullable = true,
            description = "MLflow's inference parameters: \"explain\": true adds each answered row's explanation; the"
                    + " others are accepted and not used")
    record Params(@Schema(defaultValue = "false") boolean explain) {}
}
