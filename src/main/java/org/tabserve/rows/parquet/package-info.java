/**
 * Parquet files in ({@link org.tabserve.rows.parquet.ParquetRowsReader}), through parquet-java without Hadoop: its
 * codecs, memory and read options, and its cells read as Arrow's are. It stands on {@code rows.arrow} and the floors
 * below it.
 */
package org.tabserve.rows.parquet;
