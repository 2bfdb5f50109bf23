package org.tabserve.model.onnx.graph;

import java.util.Locale;

/** Sizes in messages as people read them: "41,943,040 bytes (40.0 MiB)". */
final class Sizes {

    private Sizes() {}

    static String bytes(long bytes) {
        String exact = String.format(Locale.ROOT, "%,d bytes", bytes);
        return bytes < 1 << 20 ? exact : exact + String.format(Locale.ROOT, " (%.1f MiB)", bytes / (double) (1 << 20));
    }
}
