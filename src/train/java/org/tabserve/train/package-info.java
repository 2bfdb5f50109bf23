/**
 * Builds {@code model.onnx} from {@code data/}: reads the CSV, picks a Tribuo classifier by cross-validation, checks it
 * on held-out rows, and writes the ONNX graph with its card; a build-time tool that never ships in the WAR.
 */
package org.tabserve.train;
