/**
 * The OpenAPI document: the assembler that puts it together for one model, the part each protocol contributes (its
 * tags, routes and schemas), the builders those parts share (responses, RFC 9457 problems, the model's features as
 * schemas) and the part of the routes every server has (the documents themselves, metrics). It depends on {@code http}
 * and the model only: the protocol packages depend on it, never the other way round, and the wiring hands it their
 * parts.
 */
package org.tabserve.web.openapi;
