/**
 * Arrow IPC streams in ({@link org.tabserve.rows.arrow.ArrowRowsReader}): record batches read a slice at a time,
 * messages and LZ4 buffers bounded by the request's memory, a row as its typed cells
 * ({@link org.tabserve.rows.arrow.ArrowRecord}, which the Parquet reader and the writers use too), and the bodies that
 * are another format named ({@code ForeignFormats}). It stands on {@code rows.read} and {@code rows.field}.
 *
 * <p>Arrow IPC streams in ({@code ArrowRowsReader}): batches copied out a slice at a time ({@code ArrowSlice}),
 * messages bounded ({@code ArrowMessages}) and LZ4 buffers inflated metered ({@code ArrowCodecs}), a row's typed cells
 * ({@code ArrowRecord}), bodies of another format named ({@code ForeignFormats}).
 */
package org.tabserve.rows.arrow;
