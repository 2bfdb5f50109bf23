/**
 * The answer, described once: its request-level part ({@link org.tabserve.model.answer.RequestField}, the values in
 * {@link org.tabserve.model.answer.AnswerSource}) and its ordered per-row fields
 * ({@link org.tabserve.model.answer.AnswerField}), each with its type (the sealed
 * {@link org.tabserve.model.answer.FieldType}), its value for a row ({@link org.tabserve.model.answer.FieldValue}),
 * when it is present and how a table spells it; the rows as scored ({@link org.tabserve.model.answer.ScoredRows}, which
 * the writers read as {@link org.tabserve.model.answer.AnsweredRows}), each in its place ({@link org.tabserve.model.answer.AnsweredRow}: scored, or refused with its problems); and the one
 * assembler that makes them ({@link org.tabserve.model.answer.AnswerAssembler}) with the hooks its caller owes. Every
 * writer, whatever its format, loops over these descriptions and writes a field by its type, so that a new field is
 * one entry here and one value in the assembler.
 *
 * <p>The request-level fields: model name, version, the served file's SHA-256, engine, request id, each with its key,
 * its header and whether a body carries it. The per-row fields: label, display name, probabilities, value, warnings,
 * explanation, interval, prediction set, coverage, novelty, errors, each present for an {@code AnswerShape} or not, and
 * spelled in a table as typed columns ({@code AnswerColumn}). The assembler ({@code AnswerAssembler}, a
 * {@code BatchScoring}: explanations first when asked, the model's call, the hooks its caller owes, uncertainties) is
 * used by the server, the commands and Spark, the latter two with no hooks ({@code AnswerAssembler.offline}); an
 * upload's chunks are scored here too ({@code ChunkScorer}); {@code ClientWatch} is how a waiting request notices its
 * client has gone. Stands on {@code model}; {@code model} never names it.
 */
package org.tabserve.model.answer;
