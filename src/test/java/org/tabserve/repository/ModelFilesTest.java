package org.tabserve.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFilesTest {

    @TempDir
    Path dir;

    @Test
    void findsTritonVersionsPlainFilesAndKServeDirectories() throws Exception {
        Files.createDirectories(dir.resolve("banknote/1"));
        Files.writeString(dir.resolve("banknote/1/model.onnx"), "one");
        Files.createDirectories(dir.resolve("banknote/12"));
        Files.writeString(dir.resolve("banknote/12/model.onnx"), "twelve");
        Files.writeString(dir.resolve("species.onnx"), "plain");
        Files.createDirectories(dir.resolve("mass"));
        Files.writeString(dir.resolve("mass/regressor.onnx"), "as KServe's agent leaves it");

        ModelFiles.Scan scan = ModelFiles.scan(dir);

        assertEquals(
                List.of(
                        new ModelKey("banknote", 1),
                        new ModelKey("banknote", 12),
                        new ModelKey("mass", 1),
                        new ModelKey("species", 1)),
                List.copyOf(scan.found().keySet()));
        assertEquals(
                dir.resolve("banknote/12/model.onnx"),
                scan.found().get(new ModelKey("banknote", 12)).path());
        assertEquals(
                dir.resolve("mass/regressor.onnx"),
                scan.found().get(new ModelKey("mass", 1)).path());
        assertEquals(5, scan.found().get(new ModelKey("species", 1)).size());
        assertEquals(List.of(), List.copyOf(scan.skipped().keySet()));
    }

    @Test
    void findsModelsInTheirLibrariesOwnFilesAndMlflowDirectoriesInBothLayouts() throws Exception {
        for (String file : List.of(
                "xgb/1/model.json",
                "xgb/2/model.ubj",
                "lgbm/3/model.txt",
                "both/1/model.onnx",
                "both/1/model.json",
                "flow/4/MLmodel",
                "flow/4/model.xgb",
                "loose/model.txt",
                "kflow/MLmodel",
                "kflow/model.lgb")) {
            Files.createDirectories(dir.resolve(file).getParent());
            Files.writeString(dir.resolve(file), file);
        }
        Files.createDirectories(dir.resolve("nothing/5"));
        Files.writeString(dir.resolve("nothing/5/notes.json"), "not a model file");

        ModelFiles.Scan scan = ModelFiles.scan(dir);

        java.util.Map<String, Path> served = new java.util.TreeMap<>();
        scan.found().forEach((key, stamp) -> served.put(key.name() + "/" + key.version(), stamp.path()));
        assertEquals(
                java.util.Map.of(
                        "xgb/1", dir.resolve("xgb/1/model.json"),
                        "xgb/2", dir.resolve("xgb/2/model.ubj"),
                        "lgbm/3", dir.resolve("lgbm/3/model.txt"),
                        "both/1", dir.resolve("both/1/model.onnx"),
                        "flow/4", dir.resolve("flow/4"),
                        "loose/1", dir.resolve("loose/model.txt"),
                        "kflow/1", dir.resolve("kflow")),
                served);
        assertTrue(
                scan.skipped().get(dir.resolve("nothing/5")).reason().contains("no model.onnx"),
                scan.skipped()::toString);
        assertTrue(scan.skipped().get(dir.resolve("nothing/5")).fix().contains("model.json"));
    }

    @Test
    void skipsHiddenFilesSilentlyAndOddEntriesWithAReason() throws Exception {
        Files.writeString(dir.resolve(".copying.onnx.part"), "half");
        Files.writeString(dir.resolve("README.md"), "not a model");
        Files.writeString(dir.resolve("bad name.onnx"), "x");
        Files.createDirectories(dir.resolve("dup/1"));
        Files.writeString(dir.resolve("dup/1/model.onnx"), "versioned");
        Files.writeString(dir.resolve("dup.onnx"), "shadowed by the directory");
        Files.createDirectories(dir.resolve("empty/2"));
        Files.createDirectories(dir.resolve("many"));
        Files.writeString(dir.resolve("many/a.onnx"), "a");
        Files.writeString(dir.resolve("many/b.onnx"), "b");
        Files.createDirectories(dir.resolve("zero/0"));
        Files.writeString(dir.resolve("zero/0/model.onnx"), "version 0 is none");

        ModelFiles.Scan scan = ModelFiles.scan(dir);

        assertEquals(List.of(new ModelKey("dup", 1)), List.copyOf(scan.found().keySet()));
        assertTrue(
                scan.skipped().get(dir.resolve("dup.onnx")).reason().contains("dup/"),
                scan.skipped().toString());
        assertTrue(
                scan.skipped().get(dir.resolve("bad name.onnx")).reason().contains("model name"),
                scan.skipped().toString());
        assertTrue(
                scan.skipped().get(dir.resolve("empty/2")).reason().contains("model.onnx"),
                scan.skipped().toString());
        assertTrue(
                scan.skipped().get(dir.resolve("many")).reason().contains("2 .onnx files"),
                scan.skipped().toString());
        assertTrue(
                scan.skipped().get(dir.resolve("zero/0")).reason().contains("from 1"),
                scan.skipped().toString());
        assertEquals(5, scan.skipped().size(), scan.skipped().toString());
    }

    @Test
    void aVersionDirectorySpelledWithALeadingZeroASignOrNonAsciiDigitsIsNoVersion() throws Exception {
        for (String spelling : List.of("01", "+1", "\uFF11")) {
            Files.createDirectories(dir.resolve("m").resolve(spelling));
            Files.writeString(dir.resolve("m").resolve(spelling).resolve("model.onnx"), spelling);
        }

        ModelFiles.Scan scan = ModelFiles.scan(dir);

        assertEquals(List.of(), List.copyOf(scan.found().keySet()), "none of them is version 1");
        for (String spelling : List.of("01", "+1", "\uFF11")) {
            assertTrue(
                    scan.skipped()
                            .get(dir.resolve("m").resolve(spelling))
                            .reason()
                            .contains("no sign or leading" + " zero"),
                    scan.skipped().toString());
        }
    }

    /**
     * Issue 66, item 6: loose {@code .onnx} files in a folder that serves none of them (several and no model.onnx, or
     * beside version directories) are skipped with where they are relative to the directory, why, and the fix in
     * words; before, the folder beside versions was passed over without a word.
     */
    @Test
    void looseOnnxFilesInAFolderAreSkippedWithTheFixInWords() throws Exception {
        Files.createDirectories(dir.resolve("extra"));
        Files.writeString(dir.resolve("extra/xgb-sex.onnx"), "one model");
        Files.writeString(dir.resolve("extra/gb-sex.onnx"), "another");
        Files.createDirectories(dir.resolve("banknote/1"));
        Files.writeString(dir.resolve("banknote/1/model.onnx"), "versioned");
        Files.writeString(dir.resolve("banknote/old.onnx"), "beside the versions");

        ModelFiles.Scan scan = ModelFiles.scan(dir);

        assertEquals(
                List.of(new ModelKey("banknote", 1)), List.copyOf(scan.found().keySet()));
        SkippedEntry extra = scan.skipped().get(dir.resolve("extra"));
        assertEquals("extra/", extra.path(), "relative to the directory: no server path in the index");
        assertEquals(
                "holds 2 .onnx files (gb-sex.onnx, xgb-sex.onnx) and no model.onnx, so none of them is served",
                extra.reason());
        assertEquals(
                "loose .onnx files belong at the top of --models (each NAME.onnx is served as NAME), or in"
                        + " extra/<version>/model.onnx as versions of extra",
                extra.fix());
        SkippedEntry old = scan.skipped().get(dir.resolve("banknote/old.onnx"));
        assertEquals("banknote/old.onnx", old.path());
        assertTrue(old.reason().contains("beside them is not served"), old.reason());
        assertTrue(old.fix().startsWith("loose .onnx files belong at the top of --models"), old.fix());
        assertEquals(2, scan.skipped().size(), scan.skipped().toString());
    }
}
