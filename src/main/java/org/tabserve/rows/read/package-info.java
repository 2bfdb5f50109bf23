/**
 * Rows in, whatever their format: the contract ({@link org.tabserve.rows.read.RowsReader}), the one pass every
 * format's rows go through ({@code RowPass}: cells read by type, problems by row and field, the row limit) handing
 * on {@link org.tabserve.rows.read.RowChunk}s, and CSV's reader on it: the pass splits plain lines with the CSV
 * tokenizer and every reader names its columns and bounds its rows with the CSV header's and row limits' classes, so
 * they live here. Also a row's heap ({@code RowFootprint}) and typed cells checked for spark/ ({@code CellRows}). It
 * stands on {@code rows.field} and {@code rows.answerjson} (a chunk's warnings are the answer's).
 *
 * <p>Rows in through one contract, {@code RowsReader}: every format's rows over one {@code RowPass} (text and number
 * cells, problems by row, the row limit), handing on {@code RowChunk}s; the CSV's reader with its tokenizer, separator,
 * header and row limits (the pass and every reader use them); {@code TypedColumnsReader} (Arrow's and Parquet's
 * budget); {@code RowFootprint}, a row's heap; {@code CellRows}, typed cells checked for spark/, which scores the kept
 * rows through {@code model.answer.BatchScoring}.
 */
package org.tabserve.rows.read;
