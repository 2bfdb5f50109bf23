/**
 * The answer, described once: its request-level part ({@link org.tabserve.model.answer.RequestField}, the values in
 * {@link org.tabserve.model.answer.AnswerSource}) and its ordered per-row fields
 * ({@link org.tabserve.model.answer.AnswerField}), each with its type, when it is present and how a table spells it;
 * the rows as scored ({@link org.tabserve.model.answer.ScoredRows}); and the one assembler that makes them
 * ({@link org.tabserve.model.answer.AnswerAssembler}) with the hooks its caller owes. Every writer, whatever its
 * format, loops over these descriptions, so that a new field is one entry here and one value in the assembler.
 *
 * <p>The answer, described once: its request-level part ({@code RequestField}: model name, version, the served file's
 * SHA-256, engine, request id, each with its key, its header and whether a body carries it; the values in
 * {@code AnswerSource}) and its ordered per-row fields ({@code AnswerField}: label, display name, probabilities, value,
 * warnings, explanation, interval, prediction set, coverage, novelty, errors, each with its JSON key, when it is
 * present for an {@code AnswerShape}, and the typed columns a table spells it as, {@code AnswerColumn}); the rows as
 * scored ({@code ScoredRows}); and the one assembler of every answer ({@code AnswerAssembler}, a {@code BatchScoring}:
 * explanations first when asked, the model's call, the hooks its caller owes, uncertainties), which the server, the
 * commands and Spark all use, the latter two with no hooks ({@code AnswerAssembler.offline}); {@code ClientWatch}, how
 * a waiting request notices its client has gone. Every writer loops over these descriptions. Stands on {@code model};
 * {@code model} never names it.
 */
package org.tabserve.model.answer;
