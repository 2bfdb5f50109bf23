/**
 * Rows in and out, with no servlet: the readers of CSV files, JSON bodies and request parameters that turn what a
 * caller sent into a model's checked {@link org.tabserve.model.Batch}, and the writers of predictions as JSON and CSV.
 * The servlets and the command line ({@code card}, {@code score}) share them, so a file is read, refused and answered
 * alike everywhere. A reader refuses with a {@link org.tabserve.rows.field.RowsException} listing every bad field; the web
 * layer alone decides what HTTP makes of it.
 */
package org.tabserve.rows;
