/**
 * The plain API and the original Flask routes, and their formats: JSON ({@code /api/predict}), query
 * ({@code /predict}), CSV upload ({@code /predict_file}), the model's JSON description, the index of the served models,
 * the OpenAPI document and the admin model routes, and these routes' parts of the OpenAPI document; the formats'
 * readers and writers that need no servlet are in {@link org.tabserve.rows}. Its handlers stand on {@code http},
 * {@code openapi}, {@code rows} (and on {@code v2} for the protocol's tensor view of inputs, which the model
 * description shows), the repository and the model; never on {@code pages} (the upload's HTML answer is a finished
 * {@link org.tabserve.web.api.UploadPreview} handed to an {@link org.tabserve.web.api.UploadView}) or on
 * {@code org.tabserve.web}.
 *
 * <p>The plain JSON and CSV API ({@code /api/predict}, {@code /api/model}, {@code /api/models}, {@code /api/feedback},
 * {@code /predict_file}), the original Flask routes ({@code /predict}), the OpenAPI document's routes and the admin
 * routes: handlers, with their OpenAPI parts.
 */
package org.tabserve.web.api;
