/**
 * What tabserve learns from a read ONNX graph ({@link org.tabserve.model.onnx.graph.facts.GraphFacts}: the task, how
 * each output ends, class labels, input categories), found by {@code FactFinder} through the operators' one reading in
 * {@code graph.ml}. It stands on the graph reader and the operators, which know nothing of it.
 *
 * <p>What tabserve learns from a read graph ({@code GraphFacts}: the task, how each output ends, class labels, input
 * categories, found by {@code FactFinder} through {@code graph.ml}). The graph's three floors stand one way, facts
 * -&gt; operators -&gt; reader ({@code ArchitectureTest}).
 */
package org.tabserve.model.onnx.graph.facts;
