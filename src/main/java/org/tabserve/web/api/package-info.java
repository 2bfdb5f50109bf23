/**
 * The plain API and the original Flask routes, and their formats: JSON ({@code /api/predict}), query
 * ({@code /predict}), CSV upload ({@code /predict_file}), the model's JSON description, the index of the served models,
 * the OpenAPI document and the admin model routes, with one parser and one writer per format. Its handlers stand on
 * {@code http} (and on {@code v2} for the protocol's tensor view of inputs, which the model description shows), the
 * repository and the model; never on {@code pages} (the upload's HTML answer is a finished
 * {@link org.tabserve.web.api.UploadPreview} handed to an {@link org.tabserve.web.api.UploadView}) or on
 * {@code org.tabserve.web}.
 */
package org.tabserve.web.api;
