package org.tabserve.model.onnx.graph.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tabserve.model.onnx.graph.Graphs.FLOAT;
import static org.tabserve.model.onnx.graph.Graphs.INT64;
import static org.tabserve.model.onnx.graph.Graphs.ML;
import static org.tabserve.model.onnx.graph.Graphs.STRING;
import static org.tabserve.model.onnx.graph.Graphs.facts;
import static org.tabserve.model.onnx.graph.Graphs.node;
import static org.tabserve.model.onnx.graph.Graphs.tensor;

import ai.onnx.proto.OnnxMl.GraphProto;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tabserve.model.onnx.graph.ElementType;
import org.tabserve.model.onnx.graph.GraphNames;
import org.tabserve.model.onnx.graph.Graphs;
import org.tabserve.model.onnx.graph.OnnxFormatException;
import org.tabserve.model.onnx.graph.facts.GraphFacts.Ending;
import org.tabserve.model.onnx.graph.facts.GraphFacts.InputCategories;
import org.tabserve.model.onnx.graph.facts.GraphFacts.OutputEnding;
import org.tabserve.model.onnx.graph.facts.GraphFacts.Task;

/** The facts of graph patterns the penguins fixtures do not show: logits, sigmoid heads, other encoders, near misses. */
class GraphFactsTest {

    @Test
    void aGraphEndingInGemmGivesLogits() throws OnnxFormatException {
        GraphFacts facts = facts(GraphProto.newBuilder()
                .addInput(tensor("input", FLOAT, "N", 4))
                .addInitializer(Graphs.zeros("W", 4, 3))
                .addInitializer(Graphs.zeros("B", 1, 3))
                .addNode(node("Gemm", "", List.of("input", "W", "B"), List.of("scores")))
                .addOutput(tensor("scores", FLOAT, "N", 3)));
        assertEquals(Map.of("scores", new OutputEnding("scores", Ending.LOGITS, "Gemm")), facts.outputEndings());
        assertEquals(Task.UNKNOWN, facts.task());
        assertEquals(Optional.empty(), facts.name(), "an empty graph name is no name");
    }

    @Test
    void matMulAndAddThroughAReshapeGiveLogits() throws OnnxFormatException {
        GraphFacts facts = facts(GraphProto.newBuilder()
                .addInput(tensor("input", FLOAT, "N", 4))
                .addInitializer(Graphs.zeros("W", 4, 3))
                .addInitializer(Graphs.zeros("B", 1, 3))
                .addNode(node("MatMul", "", List.of("input", "W"), List.of("product")))
                .addNode(node("Add", "", List.of("product", "B"), List.of("sum")))
                .addNode(node("Identity", "", List.of("sum"), List.of("scores")))
                .addOutput(tensor("scores", FLOAT, "N", 3)));
        assertEquals(Ending.LOGITS, facts.outputEndings().get("scores").ending());
        assertEquals("Add", facts.outputEndings().get("scores").lastOp());
    }

    @Test
    void aSigmoidHeadGivesProbabilities() throws OnnxFormatException {
        GraphFacts facts = facts(GraphProto.newBuilder()
                .addInput(tensor("input", FLOAT, "N", 4))
                .addInitializer(Graphs.zeros("W", 4, 1))
                .addNode(node("MatMul", "", List.of("input", "W"), List.of("logit")))
                .addNode(node("Sigmoid", "", List.of("logit"), List.of("probability")))
                .addOutput(tensor("probability", FLOAT, "N", 1)));
        assertEquals(
                Map.of("probability", new OutputEnding("probability", Ending.PROBABILITIES, "Sigmoid")),
                facts.outputEndings());
    }

    @Test
    void aLinearClassifierWithoutPostTransformGivesLogitsAndItsIntegerLabels() throws OnnxFormatException {
        GraphFacts facts = facts(GraphProto.newBuilder()
                .addInput(tensor("input", FLOAT, "N", 2))
                .addNode(node("LinearClassifier", ML, List.of("input"), List.of("label", "scores"))
                        .addAttribute(Graphs.ints("classlabels_ints", 7, 3))
                        .addAttribute(Graphs.floats("coefficients", 1, 2, 3, 4))
                        .addAttribute(Graphs.stringAttribute("post_transform", "NONE")))
                .addOutput(tensor("label", INT64, "N"))
                .addOutput(tensor("scores", FLOAT, "N", 2)));
        assertEquals(List.of("7", "3"), facts.classLabels().orElseThrow().labels(), "in attribute order");
        assertEquals(Task.CLASSIFICATION, facts.task());
        assertEquals(
                Map.of("scores", new OutputEnding("scores", Ending.LOGITS, "LinearClassifier post_transform=NONE")),
                facts.outputEndings());
    }

    @Test
    void aLabelEncoderGivesTheKnownValuesOfItsColumnAndTakesUnknownOnes() throws OnnxFormatException {
        GraphFacts facts = facts(GraphProto.newBuilder()
                .addInput(tensor("colour", STRING, null, 1))
                .addNode(node("Identity", "", List.of("colour"), List.of("same")))
                .addNode(node("LabelEncoder", ML, List.of("same"), List.of("codes"))
                        .addAttribute(Graphs.strings("keys_strings", "red", "green", "blue"))
                        .addAttribute(Graphs.ints("values_int64s", 0, 1, 2))
                        .addAttribute(Graphs.intAttribute("default_int64", -1)))
                .addNode(node("Cast", "", List.of("codes"), List.of("numbers"))
                        .addAttribute(Graphs.intAttribute("to", FLOAT)))
                .addNode(node("Sigmoid", "", List.of("numbers"), List.of("probability")))
                .addOutput(tensor("probability", FLOAT, null, 1)));
        assertEquals(
                Map.of(
                        "colour",
                        new InputCategories(
                                "colour", ElementType.STRING, List.of("red", "green", "blue"), false, "LabelEncoder")),
                facts.categories());
    }

    @Test
    void aOneHotEncoderWithZerosZeroRefusesUnknownIntegers() throws OnnxFormatException {
        GraphFacts facts = facts(GraphProto.newBuilder()
                .addInput(tensor("rooms", INT64, "N", 1))
                .addNode(node("Cast", "", List.of("rooms"), List.of("rooms64"))
                        .addAttribute(Graphs.intAttribute("to", INT64)))
                .addNode(node("OneHotEncoder", ML, List.of("rooms64"), List.of("encoded"))
                        .addAttribute(Graphs.ints("cats_int64s", 1, 2, 3))
                        .addAttribute(Graphs.intAttribute("zeros", 0)))
                .addNode(node("Softmax", "", List.of("encoded"), List.of("probabilities")))
                .addOutput(tensor("probabilities", FLOAT, "N", 3)));
        assertEquals(
                Map.of(
                        "rooms",
                        new InputCategories("rooms", ElementType.INT64, List.of("1", "2", "3"), true, "OneHotEncoder")),
                facts.categories());
    }

    @Test
    void categoriesAreNotReadThroughAConcatOfSeveralColumns() throws OnnxFormatException {
        GraphFacts facts = facts(GraphProto.newBuilder()
                .addInput(tensor("a", STRING, "N", 1))
                .addInput(tensor("b", STRING, "N", 1))
                .addNode(node("Concat", "", List.of("a", "b"), List.of("ab"))
                        .addAttribute(Graphs.intAttribute("axis", 1)))
                .addNode(node("OneHotEncoder", ML, List.of("ab"), List.of("encoded"))
                        .addAttribute(Graphs.strings("cats_strings", "x", "y")))
                .addOutput(tensor("encoded", FLOAT, "N", 2, 2)));
        assertEquals(Map.of(), facts.categories());
    }

    @Test
    void anInputIsImputedOnlyWhenEveryPathReachesANanImputerFirst() throws OnnxFormatException {
        GraphFacts facts = facts(GraphProto.newBuilder()
                .addInput(tensor("imputed", FLOAT, "N", 1))
                .addInput(tensor("scaled_first", FLOAT, "N", 1))
                .addInput(tensor("also_scaled", FLOAT, "N", 1))
                .addInput(tensor("zero_imputer", FLOAT, "N", 1))
                .addNode(node("Concat", "", List.of("imputed", "also_scaled"), List.of("both"))
                        .addAttribute(Graphs.intAttribute("axis", 1)))
                .addNode(node("Imputer", ML, List.of("both"), List.of("filled"))
                        .addAttribute(Graphs.floats("imputed_value_floats", 1f, 2f))
                        .addAttribute(Graphs.floatAttribute("replaced_value_float", Float.NaN)))
                .addNode(node("Scaler", ML, List.of("also_scaled"), List.of("scaled"))
                        .addAttribute(Graphs.floats("scale", 2f)))
                .addNode(node("Scaler", ML, List.of("scaled_first"), List.of("scaled2"))
                        .addAttribute(Graphs.floats("scale", 2f)))
                .addNode(node("Imputer", ML, List.of("scaled2"), List.of("filled2"))
                        .addAttribute(Graphs.floats("imputed_value_floats", 1f))
                        .addAttribute(Graphs.floatAttribute("replaced_value_float", Float.NaN)))
                .addNode(node("Imputer", ML, List.of("zero_imputer"), List.of("filled3"))
                        .addAttribute(Graphs.floats("imputed_value_floats", 1f)))
                .addNode(node("Concat", "", List.of("filled", "scaled", "filled2", "filled3"), List.of("all"))
                        .addAttribute(Graphs.intAttribute("axis", 1)))
                .addNode(node("Softmax", "", List.of("all"), List.of("probabilities")))
                .addOutput(tensor("probabilities", FLOAT, "N", 5)));
        assertEquals(
                Set.of("imputed"),
                facts.missingAllowed(),
                "scaled_first: a Scaler sees the NaN first;"
                        + " also_scaled: one path skips the Imputer; zero_imputer: replaces 0, not NaN");
    }

    @Test
    void graphNamesThatExportersMakeUpAreNotNames() {
        for (String generated : List.of(
                "",
                "  ",
                "main_graph",
                "torch-jit-export",
                "torch_jit",
                "tf2onnx",
                "onnx_graph",
                "82592ab4cd5c5ac8af7a373c6c759ba8",
                "2365BA0B38D85EE79FB43C88ECB0DAAE",
                "123e4567-e89b-12d3-a456-426614174000",
                "graph_5fd4176a45a4568f",
                "sequential_1")) {
            assertTrue(GraphNames.isGenerated(generated), generated);
        }
        for (String chosen : List.of(
                "fixed_batch_4",
                "Classification-LibSVM",
                "penguin-species",
                "iris",
                "banknote-authenticator",
                "deadbeefcafe")) {
            assertFalse(GraphNames.isGenerated(chosen), chosen);
        }
    }
}
