package org.tabserve.model.loading;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which reader a model file is for, told by its first bytes, never by its name alone (a folder: an MLflow model's): the
 * loader's and the bundles' one rule.
 */
enum FileKind {
    ONNX,
    XGBOOST,
    LIGHTGBM,
    MLFLOW;

    static FileKind of(Path path) {
        if (Files.isDirectory(path)) {
            return MLFLOW;
        }
        if (!Files.isRegularFile(path)) {
            return ONNX; // never opened here (a FIFO would wait for a writer): its loader refuses it by kind
        }
        byte[] head = new byte[64];
        int n = 0;
        try (InputStream in = Files.newInputStream(path)) {
            for (int r; n < head.length && (r = in.read(head, n, head.length - n)) > 0; ) {
                n += r;
            }
        } catch (IOException | RuntimeException e) {
            return ONNX; // its loader reads the file again and says what is wrong with it
        }
        return of(head, n);
    }

    /** Which reader a file is for, by its first {@code n} bytes (no folder: a file's bytes). */
    static FileKind of(byte[] head, int n) {
        int at = 0;
        while (at < n && (head[at] == ' ' || head[at] == '\n' || head[at] == '\r' || head[at] == '\t')) {
            at++;
        }
        if (at < n && head[at] == '{') {
            return XGBOOST; // JSON, or UBJSON's object marker
        }
        String text = new String(head, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (text.startsWith("tree\n") || text.startsWith("tree\r\n")) {
            return LIGHTGBM;
        }
        return ONNX;
    }
}
