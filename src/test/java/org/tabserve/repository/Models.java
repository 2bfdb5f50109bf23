package org.tabserve.repository;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The real ONNX files the repository tests lay out in temporary directories, and ways of putting them there. */
final class Models {

    /** The bundled bank-note classifier: four floats in, classes 0 and 1 out. */
    static final Path BANKNOTE = Path.of("model.onnx");

    private static final Path PENGUINS = Path.of("src/test/resources/org/tabserve/fixtures/penguins");
    /** A scikit-learn pipeline classifier with text and number inputs. */
    static final Path SPECIES = PENGUINS.resolve("species-zipmap.onnx");
    /** A scikit-learn regressor. */
    static final Path BODY_MASS = PENGUINS.resolve("body-mass-regressor.onnx");
    /** A genuine bank note's measurements, which the bank-note model calls class 0. */
    static final double[] GENUINE_NOTE = {3.6216, 8.6661, -2.8073, -0.44699};

    private Models() {}

    /** Copies {@code model} to {@code target} (making its directories) the safe way: a hidden copy, then a rename. */
    static Path put(Path model, Path target) {
        try {
            Files.createDirectories(target.getParent());
            Path hidden = target.resolveSibling("." + target.getFileName() + ".part");
            Files.copy(model, hidden, StandardCopyOption.REPLACE_EXISTING);
            return Files.move(hidden, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes bytes that are not an ONNX model to {@code target}. */
    static Path putBroken(Path target) {
        try {
            Files.createDirectories(target.getParent());
            Path hidden = target.resolveSibling("." + target.getFileName() + ".part");
            Files.writeString(hidden, "this is not an ONNX model");
            return Files.move(hidden, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(Path file) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
