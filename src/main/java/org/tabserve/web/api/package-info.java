/**
 * The machine-facing routes and their formats: JSON ({@code /api/predict}), query ({@code /predict}), CSV upload
 * ({@code /predict_file}), MLflow's scoring protocol, the model's JSON description, the OpenAPI document and the
 * admin model routes, and these routes' parts of the OpenAPI document; the formats' readers and writers that need no
 * servlet are in {@link org.tabserve.rows}. It may depend on {@code http}, {@code openapi}, {@code rows}, on {@code v2}
 * (for the protocol's tensor view of inputs, which the model description shows), the repository and the model; never
 * on {@code pages} (the upload's HTML answer comes in as an {@link org.tabserve.web.api.UploadView}) or on
 * {@code org.tabserve.web}.
 */
package org.tabserve.web.api;
