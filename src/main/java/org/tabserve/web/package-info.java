/**
 * The wiring alone: {@link org.tabserve.web.TabserveListener} (declared in {@code web.xml}) resolves the config,
 * loads the models and builds every servlet and filter of {@code http}, {@code api}, {@code v2} and {@code pages}
 * with its collaborators. It may depend on every subpackage, the repository and the model; nothing depends on it.
 */
package org.tabserve.web;
