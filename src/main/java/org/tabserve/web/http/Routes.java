package org.tabserve.web.http;

/**
 * The paths that this package's plumbing names but other packages serve (the error renderer answers {@code /v2} in
 * the protocol's own shape; the per-model router forwards to the OpenAPI routes), kept here so that the plumbing
 * never imports the routes above it.
 */
public final class Routes {

    /** The Open Inference Protocol's routes, {@code /v2} and everything under it. */
    public static final String V2 = "/v2";
    /** The OpenAPI document as JSON. */
    public static final String OPENAPI_JSON = "/openapi.json";
    /** The OpenAPI document as YAML. */
    public static final String OPENAPI_YAML = "/openapi.yaml";

    private Routes() {
    }
}
