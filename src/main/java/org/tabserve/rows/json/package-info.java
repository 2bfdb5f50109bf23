/**
 * JSON rows in: the JSON routes' bodies ({@link org.tabserve.rows.json.JsonRowsParser}, with pandas' split orientation
 * and the body shapes), their cells and the rows read so far ({@link org.tabserve.rows.json.RowsRead}, which MLflow's
 * and the request parameters' readers fill too), and JSON Lines files. It stands on the floors below
 * ({@code rows.read}, {@code rows.answerjson}, {@code rows.field}).
 *
 * <p>JSON rows in: the JSON routes' bodies ({@code JsonRowsParser}; their shapes, {@code JsonBodyShapes}; pandas' split
 * orientation, {@code PandasSplit}, which MLflow's {@code dataframe_split} reads too), cells ({@code JsonCells}), the
 * rows read so far ({@code RowsRead}, which parameter rows fill too), JSON Lines files ({@code JsonLinesReader}).
 */
package org.tabserve.rows.json;
