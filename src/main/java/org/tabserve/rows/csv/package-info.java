/**
 * CSV files in: the upload's reader ({@link org.tabserve.rows.csv.CsvRowsParser}) over one lexer that finds the
 * header's separator and splits every record in place, quoted or not, refusing a row past the size limits as it goes
 * ({@code CsvLexer}), the header's checks ({@code CsvHeader}) and separators ({@code CsvSeparator}), and the command
 * line's files ({@link org.tabserve.rows.csv.CsvFiles}). It stands on {@code rows.read} and {@code rows.field}; the CSV
 * answer is written in {@code rows.write}.
 */
package org.tabserve.rows.csv;
