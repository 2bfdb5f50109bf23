/**
 * Answers out: the contract ({@link org.tabserve.rows.write.RowsWriter}), the answer to a file of rows as a table
 * ({@link org.tabserve.rows.write.CsvAnswer}, {@code AnswerTable}) with its writer in each format (CSV, JSON Lines,
 * Arrow, Parquet), each receiving a file's chunks as answered ({@link org.tabserve.model.answer.ChunkAnswers}, the rows
 * as {@code AnsweredRows}): the scoring itself is the model's answer package's ({@code model.answer.ChunkScorer}).
 * The Arrow writer is here, not in {@code rows.arrow}, because the answer table and it name each other. It stands on
 * every floor below it.
 */
package org.tabserve.rows.write;
