/**
 * The model core as a library: {@link org.tabserve.library.TabularModel} loads a model in a Java application's own
 * JVM and scores rows and tables with the code the server runs (the model, the rows' checks, the answer's fields,
 * explanations and conformal coverage), with no servlet, Jetty, Thymeleaf, Swagger or gRPC on the class path. It is
 * the facade of {@code org.tabserve:tabserve-core}, which {@code mvn install} installs (docs/models.md, "Score in your
 * own Java application"); it depends on the model and rows packages only.
 */
package org.tabserve.library;
