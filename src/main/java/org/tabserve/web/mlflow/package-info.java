/**
 * MLflow's scoring protocol ({@code mlflow models serve}), for MLflow clients: {@code POST /invocations} with its
 * request parser, and {@code GET /ping} and {@code /version}. It stands on {@code http} and on the readers of rows.
 *
 * <p>MLflow's scoring protocol: {@code /invocations}, {@code /ping}, {@code /version} and its body parser, with their
 * OpenAPI part.
 */
package org.tabserve.web.mlflow;
