package org.tabserve.repository;

import java.util.Objects;

/**
 * An entry of the model directory that looks meant as a model but is not served, with why and what would serve it,
 * so that the models index can show what the log told once ({@link ModelRepository#skipped()}).
 *
 * @param path   where it is, relative to the model directory ({@code extra/}, {@code extra/a.onnx}): never the
 *               server's own paths, as the index is public; a directory's ends in {@code /}
 * @param reason why it is not served, in words
 * @param fix    what to do to serve it, in words
 */
public record SkippedEntry(String path, String reason, String fix) {

    public SkippedEntry {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(fix, "fix");
    }
}
