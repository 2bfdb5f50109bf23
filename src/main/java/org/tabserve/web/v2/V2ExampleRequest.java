package org.tabserve.web.v2;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.web.openapi.DescribedModel;
import org.tabserve.web.openapi.FeatureSchemas;

/** The OIP infer request of the v2 OpenAPI document's example: one row of training means and known categories. */
final class V2ExampleRequest {

    private V2ExampleRequest() {}

    /** A request that Swagger UI's "Try it out" can send as it is: one row of training means and known categories. */
    static Map<String, Object> of(DescribedModel model) {
        List<Map<String, Object>> inputs = new ArrayList<>();
        for (ModelInput input : model.signature().inputs()) {
            List<Object> row = new ArrayList<>();
            for (Feature feature : input.features()) {
                row.add(FeatureSchemas.example(model.card(), feature));
            }
            Map<String, Object> tensor = new LinkedHashMap<>();
            tensor.put("name", input.name());
            tensor.put("shape", input.rank() == 1 ? List.of(1) : List.of(1, input.width()));
            tensor.put("datatype", input.type().v2Name());
            tensor.put("data", row);
            inputs.add(tensor);
        }
        Map<String, Object> example = new LinkedHashMap<>();
        example.put("id", "42");
        example.put("inputs", inputs);
        return example;
    }
}
