package org.tabserve.model.onnx.graph;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Tells a graph name someone chose from one an exporter made up, because a model named "82592ab4cd5c5ac8..." or
 * "main_graph" should be called after its file instead.
 */
public final class GraphNames {

    /** Names exporters give every graph: PyTorch, tf2onnx, keras2onnx, onnx's own helpers and examples. */
    private static final Set<String> DEFAULTS = Set.of(
            "main_graph",
            "torch-jit-export",
            "torch_jit",
            "torch_jit_export",
            "tf2onnx",
            "onnx_graph",
            "graph",
            "model",
            "test",
            "test-model",
            "test_model",
            "test_graph",
            "sequential",
            "functional",
            "onnxmltools",
            "skl2onnx",
            "sklearn",
            "pipeline");

    /**
     * Hex ids (skl2onnx's {@code uuid4().hex}, other uuids, digests) of at least 8 digits, maybe dashed or with a
     * prefix such as "graph_"; and default names with a counter ("sequential_1", "model_3", "torch_jit_0").
     */
    private static final Pattern GENERATED = Pattern.compile(
            "(?:[a-z_]*[_-])?(?:[0-9a-f]{8,}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
                    + "|(?:sequential|functional|model|graph|torch_jit|tf2onnx)[_-]?\\d+");

    private GraphNames() {}

    /** @return whether {@code name} is blank or an id an exporter generated rather than a name */
    public static boolean isGenerated(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        if (n.isEmpty() || DEFAULTS.contains(n)) {
            return true;
        }
        // A hex run needs a digit, so that an English word made of a-f ("deadbeef" aside) is not an id.
        return GENERATED.matcher(n).matches() && n.chars().anyMatch(Character::isDigit);
    }
}
