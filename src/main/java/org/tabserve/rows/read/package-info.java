/**
 * Rows in, whatever their format: the contract ({@link org.tabserve.rows.read.RowsReader}), the one pass every
 * format's rows go through ({@code RowPass}: cells read by type, problems by row and field, the row limit) handing
 * on {@link org.tabserve.rows.read.RowChunk}s, a row split in place ({@code SplitRow}, which the CSV lexer gives),
 * an input's columns matched to the features ({@code InputColumns}) and the heap a long row reserves
 * ({@code RowMemory}), which every format's reader uses. Also a row's heap ({@code RowFootprint}) and typed cells
 * checked for spark/ ({@code CellRows}). It stands on {@code rows.field} and {@code rows.answerjson} (a chunk's
 * warnings are the answer's).
 *
 * <p>Rows in through one contract, {@code RowsReader}: every format's rows over one {@code RowPass} (text and number
 * cells, problems by row, the row limit), handing on {@code RowChunk}s, in row mode with every row's place
 * ({@code ChunkPlaces}); {@code TypedColumnsReader} (Arrow's and Parquet's budget); {@code RowFootprint}, a row's heap;
 * {@code CellRows}, typed cells checked for spark/, which scores the kept rows through {@code model.answer.BatchScoring}.
 */
package org.tabserve.rows.read;
