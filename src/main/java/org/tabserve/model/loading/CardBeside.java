package org.tabserve.model.loading;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.tabserve.model.onnx.cardread.CardLimits;

/**
 * The card of a model whose file carries none inside (an XGBoost or LightGBM file, an MLflow directory): a JSON
 * object beside it of the same key/values an ONNX file's metadata holds, so that the model file stays the training
 * library's, byte for byte. It is read bounded before it is parsed: a regular file (a FIFO, a device or a folder is
 * refused by its kind, never opened), not through a link leading out of the model's folder, of at most
 * {@link CardLimits#FILE_BYTES}, parsed as one flat object of strings within Jackson's read constraints.
 */
public final class CardBeside {

    /** The card file's name inside an MLflow model directory. */
    public static final String IN_DIRECTORY = "tabserve.card.json";

    /** How a card file's name ends beside a model file: {@code model.json} has {@code model.card.json}. */
    public static final String SUFFIX = ".card.json";

    /** A flat object of strings is one level deep: anything deeper is refused before it is built. */
    private static final JsonFactory JSON = JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.nonRecyclingPool())
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(4)
                    .maxStringLength(CardLimits.FILE_BYTES)
                    .maxNameLength(CardLimits.FILE_KEY_CHARS)
                    .maxNumberLength(100)
                    .maxDocumentLength(CardLimits.FILE_BYTES)
                    .build())
            .build();

    private CardBeside() {}

    /**
     * @param model a model file, or an MLflow model directory
     * @return where its card is: beside a file, named after it without its extension ({@code model.txt} has
     *         {@code model.card.json}); inside a directory, {@value #IN_DIRECTORY}
     */
    public static Path of(Path model) {
        if (Files.isDirectory(model)) {
            return model.resolve(IN_DIRECTORY);
        }
        Path name = model.getFileName();
        String text = name == null ? "model" : name.toString();
        int dot = text.lastIndexOf('.');
        String stem = dot > 0 ? text.substring(0, dot) : text;
        return model.resolveSibling(stem + SUFFIX);
    }

    /**
     * @param card where the card is ({@link #of})
     * @return its entries in the file's order; empty when there is no card file
     * @throws IllegalArgumentException saying why the card file cannot be read
     */
    static Optional<Map<String, String>> read(Path card) {
        if (!Files.exists(card, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        Path file = insideItsFolder(card);
        return Optional.of(parse(bytes(file)));
    }

    /** The card's real path, refusing a link that leads out of the model's folder or to nothing. */
    private static Path insideItsFolder(Path card) {
        try {
            Path folder = card.toAbsolutePath().getParent().toRealPath();
            Path real = card.toRealPath();
            if (!real.startsWith(folder)) {
                throw new IllegalArgumentException("it is a link leading out of the model's folder; a card is read from"
                        + " the model's own folder only");
            }
            return real;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("it is a link to nothing");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read it (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static byte[] bytes(Path file) {
        try {
            BasicFileAttributes before = Files.readAttributes(file, BasicFileAttributes.class);
            if (!before.isRegularFile()) {
                throw new IllegalArgumentException(
                        before.isDirectory() ? "it is a folder, not a file" : "it is not a regular file");
            }
            if (before.size() > CardLimits.FILE_BYTES) {
                throw new IllegalArgumentException("it is " + before.size() + " bytes; a card file is read up to "
                        + CardLimits.FILE_BYTES + " bytes");
            }
            byte[] bytes = new byte[(int) before.size()];
            int read = 0;
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
                    InputStream in = Channels.newInputStream(channel)) {
                for (int n; read < bytes.length && (n = in.read(bytes, read, bytes.length - read)) >= 0; ) {
                    read += n;
                }
                if (read != bytes.length || in.read() >= 0) {
                    throw new IllegalArgumentException("it changed while it was read");
                }
            }
            return bytes;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read it (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** One flat JSON object of strings, its keys distinct, nothing after it. */
    static Map<String, String> parse(byte[] bytes) {
        Map<String, String> entries = new LinkedHashMap<>();
        try (JsonParser parser = JSON.createParser(bytes)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("it must be one JSON object of the card's entries, each a string");
            }
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
                if (token != JsonToken.FIELD_NAME) {
                    throw new IllegalArgumentException("it ends before its JSON object does");
                }
                String key = parser.currentName();
                if (parser.nextToken() != JsonToken.VALUE_STRING) {
                    throw new IllegalArgumentException("entry '" + key + "' must be a string (a structured value is"
                            + " written as JSON text, as in an ONNX file's metadata)");
                }
                if (entries.put(key, parser.getText()) != null) {
                    throw new IllegalArgumentException("entry '" + key + "' is given twice");
                }
                if (entries.size() > CardLimits.FILE_ENTRIES) {
                    throw new IllegalArgumentException(
                            "it has more than " + CardLimits.FILE_ENTRIES + " entries; a card has about twenty");
                }
            }
            if (parser.nextToken() != null) {
                throw new IllegalArgumentException("it has more after its JSON object");
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("it is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read it (" + e.getClass().getSimpleName() + ")");
        }
        return entries;
    }
}
