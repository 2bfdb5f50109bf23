/**
 * MLflow's scoring protocol ({@code mlflow models serve}), for MLflow clients: {@code POST /invocations} with its
 * request parser, and {@code GET /ping} and {@code /version}, with their OpenAPI part. It stands on {@code http} and on
 * the readers of rows.
 */
package org.tabserve.web.mlflow;
