/**
 * Rows in and out, with no servlet: the readers of CSV files, JSON bodies, Arrow streams, Parquet files and request
 * parameters that turn what a caller sent into a model's checked {@link org.tabserve.model.signature.Batch}, and the writers of
 * predictions as JSON, CSV, JSON Lines, Arrow and Parquet. The servlets and the command line ({@code card},
 * {@code score}) share them, so a file is read, refused and answered alike everywhere. A reader refuses with a
 * {@link org.tabserve.rows.field.RowsException} listing every bad field; the web layer alone decides what HTTP makes
 * of it. This package is the top floor: the table of formats ({@link org.tabserve.rows.RowFormat}), the command
 * line's files ({@link org.tabserve.rows.CsvFiles}) and the request parameters' reader; the floors below it, from the
 * ground: {@code field}, {@code answer}, {@code read}, {@code json} and {@code arrow}, {@code parquet}, {@code write}.
 *
 * <p>Every reader and writer of rows that needs no servlet API, on seven floors below this one (each imports only the
 * floors below it, {@code ArchitectureTest}): here, on top, {@code RowFormat} (the table of formats: each one's reader
 * and writer), {@code CsvFiles} (the command line's files, scored by {@code cli.CsvScoring}) and
 * {@code ParameterRowParser} (parameter rows).
 */
package org.tabserve.rows;
