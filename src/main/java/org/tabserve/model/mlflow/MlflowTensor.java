package org.tabserve.model.mlflow;

import java.util.List;

/**
 * One tensor of an MLflow tensor-based signature ({@code {"type": "tensor", "tensor-spec": {...}}}).
 *
 * @param name  the tensor's name, or null when the signature gives none
 * @param dtype its numpy dtype as MLflow writes it ({@code float64}, {@code float32}, {@code int64}, …)
 * @param shape its shape, -1 for a free dimension (the rows)
 */
public record MlflowTensor(String name, String dtype, List<Long> shape) {

    public MlflowTensor {
        shape = List.copyOf(shape);
    }
}
