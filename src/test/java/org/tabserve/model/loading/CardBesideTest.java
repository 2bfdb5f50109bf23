package org.tabserve.model.loading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.cardread.CardLimits;
import org.tabserve.model.signature.ModelException;
import org.tabserve.testing.NativeForests;

/**
 * The card beside a native model file is data from outside: read bounded before it is parsed, a regular file inside
 * the model's folder, one flat JSON object of strings; each hostile card (past the bound, malformed, a nesting bomb, a
 * FIFO, naming a feature the model lacks, a link leading out of the folder) refuses the load in words naming the card
 * file, never a hang or another exception. A fitting card is read, through a link inside the folder too.
 */
class CardBesideTest {

    @TempDir
    static Path trained;

    private static Path xgboost;

    @TempDir
    Path dir;

    @BeforeAll
    static void train() throws Exception {
        xgboost = NativeForests.xgboostClassifier(trained).model();
    }

    /** The model in a folder of its own, with {@code card} (null: none) as its card file. */
    private Path model(String card) throws Exception {
        Path model = Files.copy(xgboost, dir.resolve("model.json"), StandardCopyOption.REPLACE_EXISTING);
        if (card != null) {
            Files.writeString(dir.resolve("model.card.json"), card);
        }
        return model;
    }

    /** @return the refusal's message, which names the card file */
    private static String refused(Path model) {
        ModelException e = assertThrows(ModelException.class, () -> ModelLoader.load(model));
        assertEquals(ModelException.Kind.UNUSABLE_MODEL, e.kind());
        assertTrue(e.getMessage().contains("model.card.json"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void theCardFileIsNamedAfterTheModelFileWithoutItsExtension() throws Exception {
        assertEquals(Path.of("a/model.card.json"), CardBeside.of(Path.of("a/model.json")));
        assertEquals(Path.of("a/model.card.json"), CardBeside.of(Path.of("a/model.txt")));
        assertEquals(Path.of("a/m.card.json"), CardBeside.of(Path.of("a/m.ubj")));
        assertEquals(dir.resolve("tabserve.card.json"), CardBeside.of(dir));
    }

    @Test
    void aFittingCardIsReadAndNoCardLeavesTheFilesOwn() throws Exception {
        Path model = model(null);
        try (Model plain = ModelLoader.load(model)) {
            assertEquals("model", plain.card().name());
        }
        Files.writeString(dir.resolve("model.card.json"), """
                {"tabserve.card_version": "1", "tabserve.name": "boxes", "tabserve.description": "sorts boxes",
                 "tabserve.feature_stats": "{\\"width\\": {\\"min\\": -2, \\"max\\": 2, \\"mean\\": 0.1}}"}
                """);
        try (Model carded = ModelLoader.load(model)) {
            assertEquals("boxes", carded.card().name());
            assertEquals("sorts boxes", carded.card().description());
            assertEquals(0.1, carded.card().featureStats().get("width").mean());
            assertEquals("binary:logistic", carded.card().metadata().get("objective"), "the file's facts stay");
        }
        Path elsewhere = Files.move(dir.resolve("model.card.json"), dir.resolve("kept.json"));
        Files.createSymbolicLink(dir.resolve("model.card.json"), elsewhere.getFileName());
        try (Model linked = ModelLoader.load(model)) {
            assertEquals("boxes", linked.card().name(), "a link inside the model's folder is read");
        }
    }

    @Test
    void aCardPastTheBoundIsRefusedBeforeItIsRead() throws Exception {
        Path model = model(null);
        try (RandomAccessFile big =
                new RandomAccessFile(dir.resolve("model.card.json").toFile(), "rw")) {
            big.setLength(CardLimits.FILE_BYTES + 1L);
        }
        assertTrue(refused(model).contains("is " + (CardLimits.FILE_BYTES + 1) + " bytes; a card file is read up to"));
    }

    @Test
    void malformedJsonIsRefusedInWords() throws Exception {
        assertTrue(refused(model("{\"tabserve.name\": \"x\",")).contains("is not valid JSON"));
        assertTrue(refused(model("{\"tabserve.name\": \"x\"} {}")).contains("has more after its JSON object"));
        assertTrue(refused(model("{\"tabserve.name\": 3}")).contains("entry 'tabserve.name' must be a string"));
        assertTrue(refused(model("{\"tabserve.name\": \"a\", \"tabserve.name\": \"b\"}"))
                .contains("given twice"));
        assertTrue(refused(model("[\"tabserve.name\"]")).contains("must be one JSON object"));
    }

    @Test
    void aNestingBombIsRefusedNeverAStackOverflow() throws Exception {
        String deep = "[".repeat(200_000);
        assertTrue(refused(model(deep)).contains("must be one JSON object"));
        assertTrue(refused(model("{\"tabserve.name\": " + deep)).contains("must be a string"));
        // Inside a value: the card's JSON text, parsed by the card reader within Jackson's nesting bound.
        String message = refused(model("{\"tabserve.histograms\": \"" + "[".repeat(200_000) + "\"}"));
        assertTrue(message.contains("metadata 'tabserve.histograms' is not valid JSON"), message);
    }

    @Test
    void aFifoIsRefusedByItsKindNeverOpened() throws Exception {
        Path model = model(null);
        Process mkfifo =
                new ProcessBuilder("mkfifo", dir.resolve("model.card.json").toString()).start();
        assertEquals(0, mkfifo.waitFor());
        assertTrue(refused(model).contains("it is not a regular file"));
    }

    @Test
    void aCardNamingAFeatureTheModelLacksIsRefused() throws Exception {
        String message = refused(model("""
                {"tabserve.feature_stats": "{\\"nope\\": {\\"min\\": 0, \\"max\\": 1, \\"mean\\": 0.5}}"}
                """));
        assertTrue(message.contains("metadata 'tabserve.feature_stats' names unknown feature 'nope'"), message);
        String features = refused(model("{\"tabserve.features\": \"[\\\"a\\\", \\\"b\\\"]\"}"));
        assertTrue(features.contains("the model file's features are [width, height, depth, weight]"), features);
        String missing = refused(model("{\"tabserve.missing\": \"[\\\"width\\\"]\"}"));
        assertTrue(missing.contains("is for an ONNX graph"), missing);
    }

    @Test
    void aLinkLeadingOutOfTheModelsFolderIsRefused(@TempDir Path outside) throws Exception {
        Path model = model(null);
        Path card = Files.writeString(outside.resolve("card.json"), "{\"tabserve.name\": \"elsewhere\"}");
        Files.createSymbolicLink(dir.resolve("model.card.json"), card);
        assertTrue(refused(model).contains("a link leading out of the model's folder"));
        Files.delete(dir.resolve("model.card.json"));
        Files.createSymbolicLink(dir.resolve("model.card.json"), outside.resolve("nothing.json"));
        assertTrue(refused(model).contains("a link to nothing"));
        assertFalse(Files.exists(dir.resolve("kept.json")));
    }

    @Test
    void anMlflowDirectoryOfTheOnnxFlavorRefusesACardBesideItsOnnxFile() throws Exception {
        NativeForests.onnxMlflowDirectory(dir);
        try (Model served = ModelLoader.load(dir)) {
            assertTrue(served.signature().featureNames().size() > 0, "served without a card file");
        }
        Files.writeString(dir.resolve("tabserve.card.json"), "{\"tabserve.name\": \"x\"}");
        ModelException e = assertThrows(ModelException.class, () -> ModelLoader.load(dir));
        assertTrue(
                e.getMessage().contains("tabserve.card.json") && e.getMessage().contains("ONNX"), e.getMessage());
    }
}
