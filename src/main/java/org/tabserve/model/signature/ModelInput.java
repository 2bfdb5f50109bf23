package org.tabserve.model.signature;

import java.util.List;
import java.util.Objects;

/**
 * One input tensor of a model: its name, its element type and the features that fill its columns, one for a column
 * input {@code [N, 1]} or {@code [N]} (the feature is named as the input), F for an {@code [N, F]} input whose
 * columns the card names.
 *
 * @param name     the graph input's name
 * @param type     its element type (every feature of it has this type)
 * @param features its columns, in order
 * @param rank     1 for {@code [N]}, 2 for {@code [N, F]}
 */
public record ModelInput(String name, ValueType type, List<Feature> features, int rank) {

    public ModelInput {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        features = List.copyOf(features);
        if (features.isEmpty()) {
            throw new IllegalArgumentException("input '" + name + "' has no features");
        }
        for (Feature feature : features) {
            if (feature.type() != type) {
                throw new IllegalArgumentException("feature '" + feature.name() + "' is " + feature.type()
                        + " in input '" + name + "' of " + type);
            }
        }
        if (rank != 1 && rank != 2) {
            throw new IllegalArgumentException("input '" + name + "' has rank " + rank + "; 1 or 2 is served");
        }
        if (rank == 1 && features.size() != 1) {
            throw new IllegalArgumentException("input '" + name + "' of rank 1 has " + features.size() + " features");
        }
    }

    /** @return the number of columns */
    public int width() {
        return features.size();
    }

    /**
     * @return the shape of a batch of this input, as every protocol's metadata gives it: {@code -1} (any number of
     * rows), then its columns as the graph has them
     */
    public List<Long> batchShape() {
        return rank == 1 ? List.of(-1L) : List.of(-1L, (long) width());
    }
}
