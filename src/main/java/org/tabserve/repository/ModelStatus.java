package org.tabserve.repository;

import java.util.Objects;
import java.util.Optional;

/**
 * One line of the repository's index, the shape of the Open Inference Protocol's repository index entry.
 *
 * @param name    the model's name
 * @param version its version (1 for a plain {@code <name>.onnx} file)
 * @param state   where it is in its life
 * @param reason  why it is {@link ModelState#UNAVAILABLE}, or why its file's last reload failed while an older load
 *                keeps serving; empty otherwise. In words that anyone may read (the index is public): the model, its
 *                file relative to the model directory, what is wrong; never the server's paths
 */
public record ModelStatus(String name, long version, ModelState state, Optional<String> reason) {

    public ModelStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(reason, "reason");
    }
}
