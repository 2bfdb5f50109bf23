package org.tabserve.model.trees.xgboost;

import org.tabserve.model.trees.ForestFormatException;
import org.tabserve.model.trees.ForestLimits;
import org.tabserve.model.trees.xgboost.Tokens.Kind;

/**
 * Reads an XGBoost model document ({@code Learner::SaveModel}: {@code learner} with its attributes, feature names and
 * types, parameters, objective and booster, and {@code version}) into a {@link RawModel}, from JSON and UBJSON alike,
 * within {@link ForestLimits}: trees, nodes and categories are counted while they are read.
 */
final class LearnerReader {

    private final ValueReader values;
    private final ForestLimits limits;
    private final RawModel model = new RawModel();
    private int nodesLeft;
    private int categoriesLeft;

    private LearnerReader(Tokens tokens, ForestLimits limits) {
        this.values = new ValueReader(tokens);
        this.limits = limits;
        this.nodesLeft = limits.maxNodes();
        this.categoriesLeft = limits.maxNodes();
        model.format = tokens.format();
    }

    static RawModel read(Tokens tokens, ForestLimits limits) {
        return new LearnerReader(tokens, limits).document();
    }

    private RawModel document() {
        values.expect(Kind.OBJECT, "the document");
        boolean learner = false;
        for (String field = values.nextField("document"); field != null; field = values.nextField("document")) {
            switch (field) {
                case "learner" -> {
                    learner();
                    learner = true;
                }
                case "version" -> model.version = values.integers("version", 8);
                default -> values.skip(values.next());
            }
        }
        if (values.next() != Kind.END) {
            throw new ForestFormatException("the model document goes on after its end");
        }
        if (!learner) {
            throw new ForestFormatException("the file holds no 'learner': it is not an XGBoost model saved by"
                    + " save_model (a model dump or a configuration is not served)");
        }
        return model;
    }

    private void learner() {
        values.expect(Kind.OBJECT, "learner");
        for (String field = values.nextField("learner"); field != null; field = values.nextField("learner")) {
            switch (field) {
                case "attributes" -> model.attributes.putAll(values.parameters("attributes"));
                case "feature_names" -> model.featureNames = values.strings("feature_names", limits.maxFeatures());
                case "feature_types" -> model.featureTypes = values.strings("feature_types", limits.maxFeatures());
                case "learner_model_param" -> model.learnerParam = values.parameters("learner_model_param");
                case "objective" -> objective();
                case "gradient_booster" -> model.booster = booster("gradient_booster");
                default -> values.skip(values.next());
            }
        }
    }

    private void objective() {
        values.expect(Kind.OBJECT, "objective");
        for (String field = values.nextField("objective"); field != null; field = values.nextField("objective")) {
            if (field.equals("name")) {
                model.objective = values.string("objective.name");
            } else {
                Kind k = values.next();
                if (k == Kind.OBJECT) {
                    // an objective's parameters ({"reg_loss_param": {...}}): flattened, as their names are unique
                    for (String p = values.nextField(field); p != null; p = values.nextField(field)) {
                        Kind v = values.next();
                        if (v == Kind.STRING) {
                            model.objectiveParam.put(p, values.tokens().text());
                        } else {
                            values.skip(v);
                        }
                    }
                } else {
                    values.skip(k);
                }
            }
        }
    }

    /** Reads a booster object ({@code gbtree}, {@code gblinear}, or DART's, which holds a {@code gbtree}). */
    private String booster(String at) {
        values.expect(Kind.OBJECT, at);
        String name = null;
        for (String field = values.nextField(at); field != null; field = values.nextField(at)) {
            switch (field) {
                case "name" -> name = values.string(at + ".name");
                case "model" -> treeModel(at + ".model");
                case "gbtree" -> {
                    if (!at.equals("gradient_booster")) {
                        throw new ForestFormatException("the model's 'gbtree' nests inside another 'gbtree'");
                    }
                    booster("gradient_booster.gbtree");
                }
                case "weight_drop" -> model.weightDrop = values.floats("weight_drop", limits.maxTrees());
                default -> values.skip(values.next());
            }
        }
        if (name == null) {
            throw new ForestFormatException("the model's '" + at + "' has no 'name'");
        }
        return name;
    }

    private void treeModel(String at) {
        values.expect(Kind.OBJECT, at);
        for (String field = values.nextField(at); field != null; field = values.nextField(at)) {
            switch (field) {
                case "gbtree_model_param" -> model.gbtreeParam = values.parameters("gbtree_model_param");
                case "trees" -> trees();
                case "tree_info" -> model.treeInfo = values.integers("tree_info", limits.maxTrees());
                case "weight_drop" -> model.weightDrop = values.floats("weight_drop", limits.maxTrees());
                case "cats" -> model.cats = new CatsReader(values, limits).read();
                default -> values.skip(values.next());
            }
        }
    }

    private void trees() {
        values.expect(Kind.ARRAY, "trees");
        model.sawTrees = true;
        TreeReader reader = new TreeReader(values);
        for (Kind k = values.next(); k != Kind.END_ARRAY; k = values.next()) {
            if (k != Kind.OBJECT) {
                throw ValueReader.wrongType("trees", k);
            }
            if (model.trees.size() >= limits.maxTrees()) {
                throw new ForestFormatException(
                        "the model's 'trees' hold more than " + limits.maxTrees() + " trees, past the reader's bound");
            }
            RawTree tree = reader.read(limits.maxNodes(), nodesLeft, categoriesLeft);
            int stored = tree.stored();
            if (stored > nodesLeft) {
                throw new ForestFormatException("the model's trees hold more than " + limits.maxNodes()
                        + " nodes together, past the reader's bound");
            }
            nodesLeft -= stored;
            categoriesLeft -= tree.categories == null ? 0 : tree.categories.length;
            model.trees.add(tree);
        }
    }
}
