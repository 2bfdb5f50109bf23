package org.tabserve.repository;

import java.util.List;
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

    /** @return whether this version holds a model, or is loading one: not {@link ModelState#UNAVAILABLE} */
    public boolean holdsModel() {
        return state != ModelState.UNAVAILABLE;
    }

    /**
     * What an answer about every version of {@code index} (the metrics, the models index and page) may hold while it
     * is built: {@code perLoaded} for each version that holds a model, {@code perUnloaded} for each that does not,
     * which the answer tells in a line or so; at least one loaded version's. Sized by what is loaded, not by the
     * folder's files (issue 76: 1,000 files in a folder, 100 of them loaded under {@code --max-models}, made every
     * scrape of {@code /metrics} 503 at {@code -Xmx128m}).
     */
    public static long answerBytes(List<ModelStatus> index, long perLoaded, long perUnloaded) {
        long loaded = index.stream().filter(ModelStatus::holdsModel).count();
        return perLoaded * Math.max(1, loaded) + perUnloaded * (index.size() - loaded);
    }
}
