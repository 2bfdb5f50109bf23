package org.tabserve.model.onnx.graph.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** An operator's class labels: its strings before its integers, each operator's own integer attribute, typed. */
class LabelsTest {

    @Test
    void textLabelsComeBeforeIntegersAndIntegersReadAsDecimalText() throws Exception {
        Labels both = Labels.read(
                MlModels.attributesOf(MlModels.node("LinearClassifier", true)
                        .addAttribute(MlModels.ints(Labels.INTS, 7, 3))
                        .addAttribute(MlModels.strings(Labels.STRINGS, "no", "yes"))
                        .build()),
                Labels.INTS);
        assertTrue(both.text());
        assertEquals(List.of("no", "yes"), both.texts());
        Labels ints = Labels.read(
                MlModels.attributesOf(MlModels.node("LinearClassifier", true)
                        .addAttribute(MlModels.ints(Labels.INTS, 7, 3))
                        .build()),
                Labels.INTS);
        assertFalse(ints.text());
        assertEquals(List.of("7", "3"), ints.texts());
        assertEquals(3, ints.integer(1));
        assertEquals(Labels.INTS, ints.attribute());
    }

    @Test
    void eachOperatorReadsItsOwnIntegerAttributeWhileTheGraphsDeclaredLabelsAreAnyOfThem() throws Exception {
        var trees = MlModels.attributesOf(MlModels.node("TreeEnsembleClassifier", true)
                .addAttribute(MlModels.ints(Labels.INTS, 0, 1))
                .build());
        assertEquals(0, Labels.read(trees, Labels.INT64S).size(), "a tree ensemble's labels are classlabels_int64s");
        assertEquals(Optional.of(List.of("0", "1")), Labels.declared(trees).map(Labels::texts));
        var typed = MlModels.attributesOf(MlModels.node("ZipMap", true)
                .addAttribute(MlModels.floats(Labels.INT64S, 1, 2))
                .build());
        assertEquals(Optional.empty(), Labels.declared(typed), "an attribute of another type reads as absent");
    }
}
