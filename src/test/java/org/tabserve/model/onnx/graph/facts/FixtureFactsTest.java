package org.tabserve.model.onnx.graph.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tabserve.model.onnx.graph.Dimension;
import org.tabserve.model.onnx.graph.ElementType;
import org.tabserve.model.onnx.graph.GraphParser;
import org.tabserve.model.onnx.graph.OnnxGraph;
import org.tabserve.model.onnx.graph.OnnxNode;
import org.tabserve.model.onnx.graph.OnnxType;
import org.tabserve.model.onnx.graph.OnnxValueInfo;
import org.tabserve.model.onnx.graph.facts.GraphFacts.ClassLabels;
import org.tabserve.model.onnx.graph.facts.GraphFacts.Ending;
import org.tabserve.model.onnx.graph.facts.GraphFacts.InputCategories;
import org.tabserve.model.onnx.graph.facts.GraphFacts.OutputEnding;
import org.tabserve.model.onnx.graph.facts.GraphFacts.Task;

/**
 * The graph facts of every model skl2onnx made for the penguins fixtures, and of the bundled Tribuo model, as
 * fixtures/README.md tabulates them (labels in order, categories per input, imputer-fed inputs, task, last ops,
 * generated names).
 */
class FixtureFactsTest {

    private static final Path FIXTURES = Path.of("src/test/resources/org/tabserve/fixtures/penguins");
    private static final List<String> SPECIES = List.of("Adelie", "Chinstrap", "Gentoo");
    private static final List<String> ISLANDS = List.of("Biscoe", "Dream", "Torgersen");
    private static final Set<String> FOUR_MEASUREMENTS =
            Set.of("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g");

    @Test
    void speciesZipMapTakesLabelsFromTheZipMapAndCategoriesOfIslandAndSex() throws IOException {
        GraphFacts facts = facts("species-zipmap.onnx");
        assertEquals(
                Optional.of(new ClassLabels(SPECIES, ElementType.STRING, "ZipMap.classlabels_strings")),
                facts.classLabels());
        assertEquals(Task.CLASSIFICATION, facts.task());
        assertEquals(
                Map.of(
                        "island", strings("island", ISLANDS),
                        "sex", strings("sex", List.of("FEMALE", "MALE"))),
                facts.categories());
        assertEquals(List.of("island", "sex"), List.copyOf(facts.categories().keySet()), "in input order");
        assertEquals(FOUR_MEASUREMENTS, facts.missingAllowed());
        assertEquals(
                Map.of(
                        "output_probability",
                        new OutputEnding("output_probability", Ending.PROBABILITIES, "Normalizer norm=L1")),
                facts.outputEndings(),
                "the string label output is not a probability");
        assertEquals(Optional.empty(), facts.name(), "skl2onnx's uuid hex is not a name");
    }

    @Test
    void speciesNoZipMapTakesLabelsFromTheForest() throws IOException {
        GraphFacts facts = facts("species-nozipmap.onnx");
        assertEquals(
                Optional.of(new ClassLabels(SPECIES, ElementType.STRING, "TreeEnsembleClassifier.classlabels_strings")),
                facts.classLabels());
        assertEquals(Task.CLASSIFICATION, facts.task());
        assertEquals(
                Map.of("island", strings("island", ISLANDS)),
                facts.categories(),
                "reached through an ArrayFeatureExtractor on the column input");
        assertEquals(FOUR_MEASUREMENTS, facts.missingAllowed());
        assertEquals(
                Map.of(
                        "probabilities",
                        new OutputEnding(
                                "probabilities", Ending.PROBABILITIES, "TreeEnsembleClassifier post_transform=NONE")),
                facts.outputEndings());
        assertEquals(Optional.empty(), facts.name());
    }

    @Test
    void speciesLabelsInGraphFindsTheLabelsOnlyInTheLinearClassifier() throws IOException {
        GraphFacts facts = facts("species-labels-in-graph.onnx");
        assertEquals(
                Optional.of(new ClassLabels(SPECIES, ElementType.STRING, "LinearClassifier.classlabels_strings")),
                facts.classLabels());
        assertEquals(Task.CLASSIFICATION, facts.task());
        assertEquals(Map.of("island", strings("island", ISLANDS)), facts.categories());
        assertEquals(FOUR_MEASUREMENTS, facts.missingAllowed(), "the Scaler comes after the Imputer");
        assertEquals(
                Map.of("probabilities", new OutputEnding("probabilities", Ending.PROBABILITIES, "Normalizer norm=L1")),
                facts.outputEndings());
    }

    @Test
    void bodyMassRegressorIsARegressionWithThreeTextColumns() throws IOException {
        GraphFacts facts = facts("body-mass-regressor.onnx");
        assertEquals(Optional.empty(), facts.classLabels());
        assertEquals(Task.REGRESSION, facts.task());
        assertEquals(
                Map.of(
                        "species", strings("species", SPECIES),
                        "island", strings("island", ISLANDS),
                        "sex", strings("sex", List.of("FEMALE", "MALE"))),
                facts.categories());
        assertEquals(Set.of("bill_length_mm", "bill_depth_mm", "flipper_length_mm"), facts.missingAllowed());
        assertEquals(
                Map.of(
                        "variable",
                        new OutputEnding("variable", Ending.VALUES, "TreeEnsembleRegressor post_transform=NONE")),
                facts.outputEndings());
    }

    @Test
    void int64ColumnHasIntegerLabelsAndIntegerCategoriesButNoImputer() throws IOException {
        GraphFacts facts = facts("int64-column.onnx");
        assertEquals(
                Optional.of(new ClassLabels(List.of("0", "1"), ElementType.INT64, "ZipMap.classlabels_int64s")),
                facts.classLabels());
        assertEquals(Task.CLASSIFICATION, facts.task());
        assertEquals(
                Map.of(
                        "species", strings("species", SPECIES),
                        "island", strings("island", ISLANDS),
                        "body_mass_kg",
                                new InputCategories(
                                        "body_mass_kg",
                                        ElementType.INT64,
                                        List.of("2", "3", "4", "5", "6"),
                                        false,
                                        "OneHotEncoder")),
                facts.categories(),
                "body_mass_kg through ArrayFeatureExtractor and Cast; flipper_length_mm is a scaled number");
        assertEquals(Set.of(), facts.missingAllowed(), "no imputer: the floats go straight into a Scaler");
        assertEquals(
                Map.of(
                        "output_probability",
                        new OutputEnding("output_probability", Ending.PROBABILITIES, "Normalizer norm=L1")),
                facts.outputEndings());
    }

    @Test
    void fixedBatchFourEndsInSoftmaxAndHasARealName() throws IOException {
        OnnxGraph graph = GraphParser.parse(FIXTURES.resolve("fixed-batch-4.onnx"));
        GraphFacts facts = FactFinder.find(graph);
        assertEquals(Optional.empty(), facts.classLabels());
        assertEquals(Task.UNKNOWN, facts.task(), "no classic-ML op: the card or the shapes decide");
        assertEquals(Map.of(), facts.categories());
        assertEquals(Set.of(), facts.missingAllowed());
        assertEquals(
                Map.of("probabilities", new OutputEnding("probabilities", Ending.PROBABILITIES, "Softmax")),
                facts.outputEndings());
        assertEquals(Optional.of("fixed_batch_4"), facts.name());
        assertEquals(
                new OnnxType.Tensor(ElementType.FLOAT, Optional.of(List.of(Dimension.fixed(4), Dimension.fixed(4)))),
                graph.inputs().get(0).type());
        assertEquals(
                List.of("tabserve.card_version", "tabserve.features", "tabserve.classes"),
                List.copyOf(graph.metadata().keySet()));
        assertEquals(OptionalLong.empty(), graph.modelVersion());
        assertEquals("Logistic regression on the bank notes; batch fixed at 4.", graph.docString());
    }

    @Test
    void bundledTribuoModelIsAnSvmWithPlattProbabilities() throws IOException {
        OnnxGraph graph = GraphParser.parse(Path.of("model.onnx"));
        GraphFacts facts = FactFinder.find(graph);
        assertEquals(
                Optional.of(new ClassLabels(List.of("0", "1"), ElementType.INT64, "SVMClassifier.classlabels_ints")),
                facts.classLabels());
        assertEquals(Task.CLASSIFICATION, facts.task(), "through Tribuo's Gather and Identity");
        assertEquals(
                Map.of(
                        "output",
                        new OutputEnding("output", Ending.PROBABILITIES, "SVMClassifier prob_a (Platt scaling)")),
                facts.outputEndings());
        assertEquals(Optional.of("Classification-LibSVM"), facts.name());
        assertEquals(Set.of(), facts.missingAllowed());
        assertEquals(OptionalLong.of(1), graph.modelVersion());
        assertEquals("Tribuo", graph.producerName());
        assertEquals(
                new OnnxType.Tensor(
                        ElementType.FLOAT, Optional.of(List.of(Dimension.named("batch"), Dimension.fixed(4)))),
                graph.inputs().get(0).type());
        assertEquals("banknote-authenticator", graph.metadata().get("tabserve.name"));
        assertEquals(
                List.of("Gather", "SVMClassifier", "Gather", "Identity"),
                graph.nodes().stream().map(OnnxNode::opType).toList(),
                "a Gather that takes rows in the data's column order to Tribuo's sorted one, then Tribuo's graph");
        assertEquals(
                List.of(2L, 3L, 1L, 0L),
                java.util.Arrays.stream(graph.initializers()
                                .get("reorder_data_columns_indices")
                                .integers())
                        .boxed()
                        .toList(),
                "curtosis, entropy, skewness, variance picked from variance, skewness, curtosis, entropy");
        assertEquals(
                "[\"variance\",\"skewness\",\"curtosis\",\"entropy\"]",
                graph.metadata().get("tabserve.features"));
        assertEquals(
                List.of(0L, 1L),
                java.util.Arrays.stream(
                                graph.initializers().get("label_indices_0").integers())
                        .boxed()
                        .toList(),
                "INT32 raw_data read little-endian");
    }

    @Test
    void readsSkl2onnxTypesShapesAndOpsets() throws IOException {
        OnnxGraph graph = GraphParser.parse(FIXTURES.resolve("species-zipmap.onnx"));
        assertEquals(
                List.of("island", "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "sex"),
                graph.inputs().stream().map(OnnxValueInfo::name).toList());
        assertEquals(
                new OnnxType.Tensor(ElementType.STRING, Optional.of(List.of(Dimension.UNKNOWN, Dimension.fixed(1)))),
                graph.inputs().get(0).type(),
                "skl2onnx's batch dimension has neither a value nor a name");
        assertEquals(
                new OnnxType.Sequence(new OnnxType.MapOf(
                        ElementType.STRING, new OnnxType.Tensor(ElementType.FLOAT, Optional.empty()))),
                graph.output("output_probability").orElseThrow().type());
        assertEquals(Map.of("", 14L, "ai.onnx.ml", 1L), graph.opsets());
        assertEquals("skl2onnx", graph.producerName());
        assertEquals("82592ab4cd5c5ac8af7a373c6c759ba8", graph.name());
        assertEquals(
                List.of(
                        "Concat",
                        "OneHotEncoder",
                        "OneHotEncoder",
                        "Concat",
                        "Imputer",
                        "Reshape",
                        "Scaler",
                        "Concat",
                        "LinearClassifier",
                        "Identity",
                        "Normalizer",
                        "ZipMap"),
                graph.nodes().stream().map(OnnxNode::opType).toList());
        OnnxNode classifier = graph.nodes().get(8);
        assertEquals(List.of("label", "probability_tensor"), classifier.outputs());
        assertEquals(
                "SOFTMAX", classifier.attribute("post_transform").orElseThrow().s());
        assertEquals(1L, classifier.attribute("multi_class").orElseThrow().i());
        assertEquals(27, classifier.attribute("coefficients").orElseThrow().floats().length);
        assertEquals(Set.of("shape_tensor"), graph.initializers().keySet());
    }

    private static InputCategories strings(String input, List<String> values) {
        return new InputCategories(input, ElementType.STRING, values, false, "OneHotEncoder");
    }

    private static GraphFacts facts(String fixture) throws IOException {
        return FactFinder.find(GraphParser.parse(FIXTURES.resolve(fixture)));
    }
}
