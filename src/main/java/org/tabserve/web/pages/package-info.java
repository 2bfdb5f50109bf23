/**
 * The HTML pages for people: the form, the model card page, the index of the served models, the upload's answer page,
 * the API docs page and the Python client's download ({@code /clients/tabserve_client.py}), with their view models and display helpers (examples, words); their pictures are {@code pages.plots}, below them. It may depend on {@code http},
 * on {@code api} (the form reads parameters with its parser; the upload page draws api's scored
 * {@link org.tabserve.web.api.UploadPreview}), on {@code v2} (the card shows each input's tensor shape) and on the
 * model; never on {@code org.tabserve.web}.
 */
package org.tabserve.web.pages;
