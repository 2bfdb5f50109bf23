package org.tabserve.model.mlflow;

import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads an MLmodel file's YAML with SnakeYAML's {@link SafeConstructor} (plain maps, lists and scalars: no tag ever
 * builds an object) within bounds on size, aliases, nesting and code points, and answers its fields in words.
 */
final class MlmodelYaml {

    /** The longest text kept of one provenance field. */
    private static final int MAX_TEXT = 512;

    private MlmodelYaml() {}

    /** @return the MLmodel document's top-level mapping */
    static Map<String, Object> parse(byte[] bytes, MlflowLimits limits) {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MlflowFormatException("MLmodel is not UTF-8 text");
        }
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(limits.maxAliases());
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(limits.maxNesting());
        options.setCodePointLimit(limits.maxMlmodelBytes());
        options.setAllowDuplicateKeys(false);
        options.setProcessComments(false);
        DumperOptions dumper = new DumperOptions();
        Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(dumper), dumper, options, new Resolver());
        Object document;
        try {
            countNodes(yaml, text, limits);
            document = yaml.load(text);
        } catch (YAMLException | StackOverflowError e) {
            throw new MlflowFormatException(words(e, limits), e instanceof YAMLException ? e : null);
        }
        if (!(document instanceof Map<?, ?> map)) {
            throw new MlflowFormatException("MLmodel is not a YAML mapping of fields (flavors, signature, …)");
        }
        return mapping("MLmodel", map);
    }

    /** Counts the document's nodes on SnakeYAML's event stream, which keeps none, and refuses past the bound. */
    private static void countNodes(Yaml yaml, String text, MlflowLimits limits) {
        int nodes = 0;
        for (Event event : yaml.parse(new StringReader(text))) {
            if (event instanceof NodeEvent && ++nodes > limits.maxYamlNodes()) {
                throw new MlflowFormatException("MLmodel holds more than " + limits.maxYamlNodes() + " YAML values");
            }
        }
    }

    /** A SnakeYAML refusal in our words: its own messages quote the document, which holds the model's values. */
    private static String words(Throwable e, MlflowLimits limits) {
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (message.contains("aliases")) {
            return "MLmodel uses more than " + limits.maxAliases() + " YAML aliases to collections (an alias bomb?)";
        }
        if (message.contains("nesting depth") || e instanceof StackOverflowError) {
            return "MLmodel nests deeper than " + limits.maxNesting() + " levels";
        }
        if (message.contains("exceeds the limit")) {
            return "MLmodel is longer than the " + limits.maxMlmodelBytes() + "-code-point bound";
        }
        if (message.contains("duplicate key")) {
            return "MLmodel gives one field twice" + where(e);
        }
        if (message.contains("could not determine a constructor") || message.contains("global tag")) {
            return "MLmodel holds a YAML tag that names a type" + where(e) + "; tabserve builds no object from YAML";
        }
        if (message.contains("recursive")) {
            return "MLmodel holds a recursive YAML key";
        }
        return "MLmodel is not well-formed YAML" + where(e);
    }

    private static String where(Throwable e) {
        if (e instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
            return " (line " + (marked.getProblemMark().getLine() + 1) + ", column "
                    + (marked.getProblemMark().getColumn() + 1) + ")";
        }
        return "";
    }

    /** @return the mapping under {@code key}, or null when absent or null */
    static Map<String, Object> mapping(Map<String, Object> parent, String field, String key) {
        Object value = parent.get(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new MlflowFormatException(field + "." + key + " is not a mapping");
        }
        return mapping(field + "." + key, map);
    }

    private static Map<String, Object> mapping(String field, Map<?, ?> map) {
        for (Object key : map.keySet()) {
            if (!(key instanceof String)) {
                throw new MlflowFormatException(field + " has a key that is not text");
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> typed = (Map<String, Object>) map;
        return typed;
    }

    /** @return the scalar under {@code key} as text, or null when absent or null */
    static String text(Map<String, Object> parent, String field, String key) {
        Object value = parent.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof Map<?, ?> || value instanceof Iterable<?>) {
            throw new MlflowFormatException(field + "." + key + " is not a single value");
        }
        String text = value instanceof Date date ? date.toInstant().toString() : value.toString();
        if (text.length() > MAX_TEXT) {
            throw new MlflowFormatException(field + "." + key + " is longer than " + MAX_TEXT + " characters");
        }
        return text;
    }
}
