/**
 * Rows in and out, with no servlet: the readers of CSV files, JSON bodies, Arrow streams, Parquet files and request
 * parameters that turn what a caller sent into a model's checked {@link org.tabserve.model.signature.Batch}, and the writers of
 * predictions as JSON, CSV, JSON Lines, Arrow and Parquet. The servlets and the command line ({@code card},
 * {@code score}) share them, so a file is read, refused and answered alike everywhere. A reader refuses with a
 * {@link org.tabserve.rows.field.RowsException} listing every bad field; the web layer alone decides what HTTP makes
 * of it. This package is the top floor: the table of formats ({@link org.tabserve.rows.RowFormat}) and the request
 * parameters' reader; the floors below it, from the ground: {@code field}, {@code answerjson}, {@code read},
 * {@code csv}, {@code json} and {@code arrow} (one floor), {@code parquet}, {@code write}.
 *
 * <p>Every reader and writer of rows that needs no servlet API, on seven floors below this one (each imports only the
 * floors below it, {@code ArchitectureTest}): here, on top, {@code RowFormat} (the table of formats: each one's reader
 * and writer) and {@code ParameterRowParser} (parameter rows); the command line's CSV files ({@code csv.CsvFiles},
 * scored by {@code cli.CsvScoring}) are read with the CSV reader.
 */
package org.tabserve.rows;
