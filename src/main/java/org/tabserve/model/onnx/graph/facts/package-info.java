/**
 * What tabserve learns from a read ONNX graph ({@link org.tabserve.model.onnx.graph.facts.GraphFacts}: the task, how
 * each output ends, class labels, input categories), found by {@code FactFinder} through the operators' one reading in
 * {@code graph.ml}. It stands on the graph reader and the operators, which know nothing of it.
 */
package org.tabserve.model.onnx.graph.facts;
