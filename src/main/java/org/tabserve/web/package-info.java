/**
 * The wiring alone: {@link org.tabserve.web.TabserveListener} (declared in {@code web.xml}) resolves the config, loads
 * the models and builds the filters and the servlet of the route table; {@link org.tabserve.web.TabserveRoutes} is
 * that table, every route tabserve answers with the handler of {@code api}, {@code mlflow}, {@code v2} or
 * {@code pages} that answers it, and the list of the OpenAPI document's parts. It may depend on every subpackage, the
 * repository and the model; nothing depends on it.
 *
 * <p>The wiring only: {@code TabserveListener} (declared in {@code web.xml}) builds the filters, the route servlet and
 * the few container servlets; {@code TabserveRoutes} is the route table, every route with its handler, and the list of
 * the OpenAPI document's parts; {@code SharedState} opens the fleet's store ({@code --shared-state}) for the answers
 * kept for labels and the pages' sessions. Nothing uses it.
 */
package org.tabserve.web;
