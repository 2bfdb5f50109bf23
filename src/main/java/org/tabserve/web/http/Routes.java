package org.tabserve.web.http;

import org.tabserve.serving.ModelRoute;

/**
 * The root paths that more than one class names (the route table's entries, the pages' links, the OpenAPI document),
 * spelled once; a per-model route is the same path under {@code /models/{name}/} ({@link #in}).
 */
public final class Routes {

    /** The form: GET shows it, POST predicts. */
    public static final String FORM = "/";
    /** The model card page ({@code /models/{name}/card} for each model). */
    public static final String CARD = "/card";
    /** Where the card page was before it was {@link #CARD}: redirected there, so that old links keep working. */
    public static final String OLD_CARD = "/model";
    /** JSON features in, JSON prediction out. */
    public static final String API_PREDICT = "/api/predict";
    /** The model's signature and card as JSON. */
    public static final String API_MODEL = "/api/model";
    /** True labels of earlier answers, joined to them by request id for the live accuracy or error. */
    public static final String FEEDBACK = "/api/feedback";
    /** The original Flask apps' query route. */
    public static final String PREDICT = "/predict";
    /** The CSV upload. */
    public static final String PREDICT_FILE = "/predict_file";
    /** The OpenAPI document as JSON. */
    public static final String OPENAPI_JSON = "/openapi.json";
    /** The OpenAPI document as YAML. */
    public static final String OPENAPI_YAML = "/openapi.yaml";
    /** The Open Inference Protocol's routes, {@code /v2} and everything under it. */
    public static final String V2 = "/v2";

    private Routes() {}

    /** @return where a model's routes are: {@code /models/{name}}, with {@code /versions/{version}} if it names one */
    public static String base(ModelRoute model) {
        return RouteTable.MODELS + "/" + model.name()
                + model.version().map(v -> "/versions/" + v).orElse("");
    }

    /** @return a root path as it is under a model's own routes: {@code /api/predict} is {@code api/predict} there */
    public static String in(String rootPath) {
        return rootPath.substring(1);
    }
}
