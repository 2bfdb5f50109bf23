/**
 * Loads a tabular ONNX classifier, reads its signature and its card from the file's own metadata, and predicts
 * rows with ONNX Runtime; it knows nothing of HTTP, servlets or training.
 */
package org.tabserve.model;
