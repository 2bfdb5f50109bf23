package org.tabserve.model.onnx.graph.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Each ai.onnx.ml operator that {@code graph.ml} defines has its attributes read there alone (issue 62, item 4): no
 * main source file outside {@code graph.ml} names one of their attributes, so that the plain engine, the explanations,
 * the graph facts and the known errors of ONNX Runtime read an operator through its one definition.
 *
 * <p>The check is exact: a string literal (comments are left out) that is one of the attributes' names is found
 * anywhere when the name has an underscore ({@code post_transform}, {@code cats_strings}: no other word is spelled
 * so), and only as the name an attribute is read by ({@code attribute("norm")}, {@code a.floats("scale")}) when it
 * has none ({@code scale}, {@code offset}, {@code norm}, {@code zeros}, ...), which are also the keys of the card's
 * JSON.
 */
class OperatorAttributesTest {

    private static final Path MAIN = Path.of("src/main/java");
    private static final Path ML = MAIN.resolve("org/tabserve/model/onnx/graph/ml");

    /** The attributes of each operator {@code graph.ml} defines, as the ai.onnx.ml operator set names them. */
    private static final Map<String, List<String>> ATTRIBUTES = Map.of(
            "LinearClassifier",
            List.of(
                    "classlabels_ints",
                    "classlabels_strings",
                    "coefficients",
                    "intercepts",
                    "multi_class",
                    "post_transform"),
            "LinearRegressor",
            List.of("coefficients", "intercepts", "post_transform", "targets"),
            "SVMClassifier",
            List.of(
                    "classlabels_ints",
                    "classlabels_strings",
                    "coefficients",
                    "kernel_params",
                    "kernel_type",
                    "post_transform",
                    "prob_a",
                    "prob_b",
                    "rho",
                    "support_vectors",
                    "vectors_per_class"),
            "TreeEnsembleClassifier",
            treeAttributes("class_", "classlabels_int64s", "classlabels_strings"),
            "TreeEnsembleRegressor",
            treeAttributes("target_", "n_targets", "aggregate_function"),
            "ZipMap",
            List.of("classlabels_int64s", "classlabels_strings"),
            "OneHotEncoder",
            List.of("cats_int64s", "cats_strings", "zeros"),
            "Normalizer",
            List.of("norm"),
            "Scaler",
            List.of("offset", "scale"),
            "Imputer",
            List.of("imputed_value_floats", "imputed_value_int64s", "replaced_value_float", "replaced_value_int64"));

    /** A literal read as an attribute's name: the first argument of {@code NodeAttributes}'s or a node's readers. */
    private static final Pattern READ =
            Pattern.compile("\\.(attribute|ints|floats|strings|count|indexesIn|text|integer|real)\\(\\s*$");

    private static List<String> treeAttributes(String weights, String... own) {
        List<String> names = new ArrayList<>(List.of(own));
        for (String list : List.of("ids", "nodeids", "treeids", "weights", "weights_as_tensor")) {
            names.add(weights + list);
        }
        for (String list : List.of(
                "falsenodeids",
                "featureids",
                "hitrates",
                "hitrates_as_tensor",
                "missing_value_tracks_true",
                "modes",
                "nodeids",
                "treeids",
                "truenodeids",
                "values",
                "values_as_tensor")) {
            names.add("nodes_" + list);
        }
        names.addAll(List.of("base_values", "base_values_as_tensor", "post_transform"));
        return names;
    }

    private static Set<String> names() {
        return ATTRIBUTES.values().stream().flatMap(List::stream).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void noMainFileOutsideTheDefinitionsNamesAnOperatorsAttribute() throws IOException {
        Set<String> names = names();
        List<String> found = new ArrayList<>();
        int files = 0;
        try (Stream<Path> walk = Files.walk(MAIN)) {
            for (Path file : walk.filter(f -> f.toString().endsWith(".java") && !f.startsWith(ML))
                    .toList()) {
                files++;
                for (Literal literal : Literal.in(Files.readString(file))) {
                    boolean named = literal.text().contains("_")
                            || READ.matcher(literal.before()).find();
                    if (names.contains(literal.text()) && named) {
                        found.add(file + ":" + literal.line() + ": \"" + literal.text() + "\"");
                    }
                }
            }
        }
        assertTrue(files > 100, "the scan read the main sources: " + files);
        assertEquals(
                List.of(),
                found,
                "an ai.onnx.ml operator's attributes are read by its definition in graph.ml "
                        + "(OneHotEncoding, Normalization, Scaling, Imputation, PostTransform, TreeEnsemble, ...)");
    }

    /** The list above is the definitions' own: every attribute name they read is in it. */
    @Test
    void everyAttributeTheDefinitionsReadIsListed() throws IOException {
        Set<String> read = new TreeSet<>();
        try (Stream<Path> walk = Files.list(ML)) {
            for (Path file : walk.filter(f -> f.toString().endsWith(".java")).toList()) {
                for (Literal literal : Literal.in(Files.readString(file))) {
                    boolean suffix = literal.before().matches(".*\\+\\s*"); // a tree's "class_" + "weights"
                    if (READ.matcher(literal.before()).find()
                            || (!suffix && literal.text().matches("[a-z][a-z0-9]*(_[a-z0-9]+)+"))) {
                        read.add(literal.text());
                    }
                }
            }
        }
        assertTrue(
                read.containsAll(List.of("post_transform", "cats_strings", "norm", "scale", "imputed_value_floats")),
                "the scan found the definitions' reads: " + read);
        read.removeAll(names());
        assertEquals(Set.of(), read, "attributes read in graph.ml but not listed here");
    }

    @Test
    void theLiteralScanFindsEachWayOfNamingAnAttributeAndNothingElse() {
        String source = """
                class X {
                    // a.floats("scale") in a comment
                    /* "post_transform" */
                    void f() {
                        a.floats("scale");
                        node.attribute( "norm");
                        String s = "post_transform";
                        json.put("scale", 1);
                        char c = '"'; String t = "a \\" quote";
                    }
                }
                """;
        List<String> named = new ArrayList<>();
        for (Literal literal : Literal.in(source)) {
            if (names().contains(literal.text())
                    && (literal.text().contains("_")
                            || READ.matcher(literal.before()).find())) {
                named.add(literal.line() + ":" + literal.text());
            }
        }
        assertEquals(List.of("5:scale", "6:norm", "7:post_transform"), named);
    }

    @Test
    void theTransformersDefinitionsRefuseWhatOnnxRuntimeDoesNotDefineNamingTheNode() throws Exception {
        UnreadOperator both = assertThrows(
                UnreadOperator.class,
                () -> OneHotEncoding.read(MlModels.attributesOf(MlModels.node("OneHotEncoder", false)
                        .addAttribute(MlModels.strings("cats_strings", "a"))
                        .addAttribute(MlModels.ints("cats_int64s", 1))
                        .build())));
        assertTrue(both.getMessage().startsWith("OneHotEncoder node '"), both.getMessage());
        assertTrue(both.getMessage().endsWith("categories of neither or both kinds"), both.getMessage());
        assertThrows(
                UnreadOperator.class,
                () -> OneHotEncoding.read(MlModels.attributesOf(
                        MlModels.node("OneHotEncoder", false).build())));
        UnreadOperator norm = assertThrows(
                UnreadOperator.class,
                () -> Normalization.read(MlModels.attributesOf(MlModels.node("Normalizer", false)
                        .addAttribute(MlModels.text("norm", "L3"))
                        .build())));
        assertTrue(norm.getMessage().endsWith("norm L3"), norm.getMessage());
        assertThrows(
                UnreadOperator.class,
                () -> Scaling.read(MlModels.attributesOf(MlModels.node("Scaler", false)
                        .addAttribute(MlModels.floats("scale", 2f))
                        .build())));
        assertThrows(
                UnreadOperator.class,
                () -> Imputation.read(MlModels.attributesOf(MlModels.node("Imputer", false)
                        .addAttribute(MlModels.ints("imputed_value_int64s", 0))
                        .build())));
    }

    @Test
    void theTransformersDefinitionsReadTheirAttributesAndDefaults() throws Exception {
        OneHotEncoding ints = OneHotEncoding.read(MlModels.attributesOf(MlModels.node("OneHotEncoder", false)
                .addAttribute(MlModels.ints("cats_int64s", 7, 3))
                .addAttribute(MlModels.integer("zeros", 0))
                .build()));
        assertEquals(List.of("7", "3"), ints.texts());
        assertEquals(2, ints.size());
        assertTrue(!ints.text() && !ints.zeros());
        OneHotEncoding texts = OneHotEncoding.read(MlModels.attributesOf(MlModels.node("OneHotEncoder", false)
                .addAttribute(MlModels.strings("cats_strings", "a", "b", "c"))
                .build()));
        assertTrue(texts.text() && texts.zeros(), "zeros is 1 when absent");
        assertEquals(
                Normalization.MAX,
                Normalization.read(
                        MlModels.attributesOf(MlModels.node("Normalizer", false).build())));
        Imputation imputation = Imputation.read(MlModels.attributesOf(MlModels.node("Imputer", false)
                .addAttribute(MlModels.floats("imputed_value_floats", 1f, 2f))
                .build()));
        assertEquals(0f, imputation.replaced(), "replaced_value_float is 0 when absent");
        assertTrue(!imputation.replacesNaN());
    }

    /**
     * A string literal of a Java source, with its line and the code before it in its statement (from the last
     * {@code ;}, <code>{</code> or <code>}</code>, comments and other literals' texts left out).
     */
    private record Literal(String text, int line, String before) {

        /** @return the string literals (text blocks too, as written) of {@code source}, outside comments */
        static List<Literal> in(String source) {
            List<Literal> literals = new ArrayList<>();
            StringBuilder code = new StringBuilder(); // the statement's code so far
            int line = 1;
            int i = 0;
            while (i < source.length()) {
                char c = source.charAt(i);
                if (source.startsWith("//", i)) {
                    while (i < source.length() && source.charAt(i) != '\n') {
                        i++;
                    }
                } else if (source.startsWith("/*", i)) {
                    int end = source.indexOf("*/", i + 2);
                    end = end < 0 ? source.length() : end + 2;
                    line += (int) source.substring(i, end)
                            .chars()
                            .filter(ch -> ch == '\n')
                            .count();
                    i = end;
                } else if (source.startsWith("\"\"\"", i)) {
                    int end = source.indexOf("\"\"\"", i + 3);
                    end = end < 0 ? source.length() : end;
                    String text = source.substring(i + 3, end);
                    literals.add(new Literal(text, line, code.toString()));
                    line += (int) text.chars().filter(ch -> ch == '\n').count();
                    code.append("\"\"\"\"\"\"");
                    i = Math.min(source.length(), end + 3);
                } else if (c == '"' || c == '\'') {
                    int j = i + 1;
                    StringBuilder text = new StringBuilder();
                    while (j < source.length() && source.charAt(j) != c && source.charAt(j) != '\n') {
                        if (source.charAt(j) == '\\' && j + 1 < source.length()) {
                            text.append(source.charAt(j + 1));
                            j += 2;
                        } else {
                            text.append(source.charAt(j++));
                        }
                    }
                    if (c == '"') {
                        literals.add(new Literal(text.toString(), line, code.toString()));
                    }
                    code.append(c).append(c);
                    i = j + 1;
                } else {
                    if (c == ';' || c == '{' || c == '}') {
                        code.setLength(0);
                    } else {
                        code.append(c == '\n' ? ' ' : c);
                    }
                    line += c == '\n' ? 1 : 0;
                    i++;
                }
            }
            return literals;
        }
    }
}
