package org.tabserve.model.onnx.graph.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** An operator's class labels: its strings before its integers, each operator's own integer attribute, typed. */
class OperatorLabelsTest {

    @Test
    void textLabelsComeBeforeIntegersAndIntegersReadAsDecimalText() throws Exception {
        OperatorLabels both = OperatorLabels.read(
                MlModels.attributesOf(MlModels.node("LinearClassifier", true)
                        .addAttribute(MlModels.ints(OperatorLabels.INTS, 7, 3))
                        .addAttribute(MlModels.strings(OperatorLabels.STRINGS, "no", "yes"))
                        .build()),
                OperatorLabels.INTS);
        assertTrue(both.text());
        assertEquals(List.of("no", "yes"), both.texts());
        OperatorLabels ints = OperatorLabels.read(
                MlModels.attributesOf(MlModels.node("LinearClassifier", true)
                        .addAttribute(MlModels.ints(OperatorLabels.INTS, 7, 3))
                        .build()),
                OperatorLabels.INTS);
        assertFalse(ints.text());
        assertEquals(List.of("7", "3"), ints.texts());
        assertEquals(3, ints.integer(1));
        assertEquals(OperatorLabels.INTS, ints.attribute());
    }

    @Test
    void eachOperatorReadsItsOwnIntegerAttributeWhileTheGraphsDeclaredLabelsAreAnyOfThem() throws Exception {
        var trees = MlModels.attributesOf(MlModels.node("TreeEnsembleClassifier", true)
                .addAttribute(MlModels.ints(OperatorLabels.INTS, 0, 1))
                .build());
        assertEquals(
                0,
                OperatorLabels.read(trees, OperatorLabels.INT64S).size(),
                "a tree ensemble's labels are classlabels_int64s");
        assertEquals(
                Optional.of(List.of("0", "1")), OperatorLabels.declared(trees).map(OperatorLabels::texts));
        var typed = MlModels.attributesOf(MlModels.node("ZipMap", true)
                .addAttribute(MlModels.floats(OperatorLabels.INT64S, 1, 2))
                .build());
        assertEquals(Optional.empty(), OperatorLabels.declared(typed), "an attribute of another type reads as absent");
    }
}
