/**
 * Parquet files in ({@link org.tabserve.rows.parquet.ParquetRowsReader}), through parquet-java without Hadoop: its
 * codecs, memory and read options, and its cells read as Arrow's are. It stands on {@code rows.arrow} and the floors
 * below it.
 *
 * <p>Parquet files in ({@code ParquetRowsReader}) through parquet-java without Hadoop: {@code ParquetCodecs},
 * {@code ParquetMemory}, {@code ParquetOptions}, {@code ParquetCells} (read as Arrow's cells are). Stands on
 * {@code arrow}.
 */
package org.tabserve.rows.parquet;
