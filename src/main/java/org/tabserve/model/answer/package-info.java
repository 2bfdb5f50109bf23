/**
 * The answer, described once: its request-level part ({@link org.tabserve.model.answer.RequestField}, the values in
 * {@link org.tabserve.model.answer.AnswerSource}) and its ordered per-row fields
 * ({@link org.tabserve.model.answer.AnswerField}), each with its type (the sealed
 * {@link org.tabserve.model.answer.FieldType}), its value for a row ({@link org.tabserve.model.answer.FieldValue}),
 * when it is present and how a table spells it; the rows as scored ({@link org.tabserve.model.answer.ScoredRows}),
 * each in its place ({@link org.tabserve.model.answer.AnsweredRow}: scored, or refused with its problems); and the one
 * assembler that makes them ({@link org.tabserve.model.answer.AnswerAssembler}) with the hooks its caller owes. Every
 * writer, whatever its format, loops over these descriptions and writes a field by its type, so that a new field is
 * one entry here and one value in the assembler.
 */
package org.tabserve.model.answer;
