package org.tabserve.model.trees;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tabserve.model.signature.Task;

/**
 * A decision forest read from its training library's own file, answering as that library does, to the bit: XGBoost's
 * float32 margins and transforms, LightGBM's doubles. What serves it ({@code NativeModel}) never knows the format.
 *
 * <p>Thread-safety: immutable once read; {@link #answer} and {@link #margins} may be called from any thread.
 */
public interface TrainedForest {

    /** @return the format read, in words: {@code XGBoost JSON}, {@code XGBoost UBJSON}, {@code LightGBM text} */
    String format();

    /** @return the library and the version that wrote the file, as far as the file says ({@code XGBoost 3.4.0}) */
    String writtenBy();

    /** @return the objective as the file names it ({@code binary:logistic}, {@code multiclass num_class:3}) */
    String objective();

    /** @return its inputs, in the order a row hands them */
    List<ForestFeature> features();

    /** @return whether it answers a class with probabilities, or a number */
    Task task();

    /** @return a classifier's class labels in probability order ({@code 0}, {@code 1}, …); empty for a regressor */
    List<String> classes();

    /** @return how many trees it has (every tree, as the library's own predict uses them) */
    int trees();

    /**
     * @return what else the file records that a card shows, in file order: keys such as {@code best_iteration},
     *         {@code num_boost_round}, each with its value as text
     */
    Map<String, String> facts();

    /** @return how many margins a row makes: one (binary, regression) or one per class */
    int margins();

    /**
     * The library's answer for one row.
     *
     * @param row    one value per feature, as {@link ForestFeature} says
     * @param scores filled with a classifier's probability for each of {@link #classes()}, or a regressor's value
     *               at index 0
     */
    void answer(double[] row, double[] scores);

    /**
     * The row's margins: its trees' sums with the base, before the objective's transform, in the library's
     * precision and order of addition.
     */
    void margins(double[] row, double[] margins);

    /**
     * @return the margins' link for explanations: {@code identity}, {@code sigmoid}, {@code softmax} or {@code exp}
     *         (what turns margins into {@link #answer}'s scores)
     */
    String link();

    /**
     * The forest of its first {@code iterations} boosting rounds, answering as its library does with that iteration
     * range (XGBoost's {@code iteration_range=(0, iterations)}, what its scikit-learn wrapper predicts with after early
     * stopping: {@code best_iteration + 1} rounds).
     *
     * @return that forest; empty when the format does not keep rounds apart or the forest has fewer
     */
    default Optional<TrainedForest> firstIterations(int iterations) {
        return Optional.empty();
    }

    /** @return its trees for an exact explainer, when its margins are sums of leaf values (not linear leaves) */
    Optional<TreeWalk> walk();
}
