package org.tabserve.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.liblinear.LibLinearClassificationTrainer;
import org.tribuo.classification.liblinear.LinearClassificationType;
import org.tribuo.classification.libsvm.LibSVMClassificationTrainer;
import org.tribuo.classification.libsvm.SVMClassificationType;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.common.libsvm.KernelType;
import org.tribuo.common.libsvm.SVMParameters;
import org.tribuo.math.optimisers.AdaGrad;

/**
 * One Tribuo trainer configuration that cross-validation may pick, with its settings in words for the card.
 * Each call to {@link #newTrainer()} builds a fresh trainer, because a Tribuo trainer's random state advances with
 * every {@code train} call and a reused one would not repeat itself.
 *
 * @param name     a short label, e.g. {@code libsvm-rbf C=10 gamma=0.1}
 * @param settings the settings as written into the card
 * @param factory  makes a fresh, seeded trainer
 */
record Candidate(String name, Map<String, Object> settings, Supplier<Trainer<Label>> factory) {

    Candidate {
        settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    Trainer<Label> newTrainer() {
        return factory.get();
    }

    /** The grid searched for the bank-note model: linear models and RBF support vector machines. */
    static List<Candidate> grid(long seed) {
        List<Candidate> grid = new ArrayList<>();
        grid.add(new Candidate(
                "sgd-logistic epochs=50",
                settings("Tribuo LinearSGDTrainer, logistic loss, AdaGrad(0.1)", "epochs", 50, "seed", seed),
                () -> new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(0.1, 0.1), 50, seed)));
        for (double c : new double[] {1, 10, 100}) {
            grid.add(new Candidate(
                    "liblinear-l2r-lr C=" + c,
                    settings(
                            "Tribuo LibLinearClassificationTrainer, L2-regularised logistic regression",
                            "C",
                            c,
                            "max_iterations",
                            1000,
                            "epsilon",
                            0.01,
                            "seed",
                            seed),
                    () -> new LibLinearClassificationTrainer(
                            new LinearClassificationType(LinearClassificationType.LinearType.L2R_LR),
                            c,
                            1000,
                            0.01,
                            seed)));
        }
        for (double c : new double[] {1, 10, 100}) {
            for (double gamma : new double[] {0.05, 0.1, 0.2, 0.5}) {
                grid.add(new Candidate(
                        "libsvm-rbf C=" + c + " gamma=" + gamma,
                        settings(
                                "Tribuo LibSVMClassificationTrainer, C-SVC, RBF kernel, Platt probabilities",
                                "C",
                                c,
                                "gamma",
                                gamma,
                                "probability",
                                true,
                                "seed",
                                seed),
                        () -> {
                            SVMParameters<Label> parameters = new SVMParameters<>(
                                    new SVMClassificationType(SVMClassificationType.SVMMode.C_SVC), KernelType.RBF);
                            parameters.setCost(c);
                            parameters.setGamma(gamma);
                            parameters.setProbability();
                            return new LibSVMClassificationTrainer(parameters, seed);
                        }));
            }
        }
        return List.copyOf(grid);
    }

    private static Map<String, Object> settings(String algorithm, Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("algorithm", algorithm);
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
