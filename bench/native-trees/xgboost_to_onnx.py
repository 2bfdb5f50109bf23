#!/usr/bin/python3
"""Converts an XGBoost binary:logistic booster saved as JSON into an ONNX TreeEnsembleClassifier, node for node as
onnxmltools' XGBoost converter (onnxmltools/convert/xgboost/operator_converters/XGBoost.py) builds it, for bench/native-trees
(onnxmltools is not packaged by Debian). Only Debian's python3-onnx and numpy are needed.

What onnxmltools does, and this script does the same way, from the model file instead of the booster's JSON dump:
  * one TreeEnsembleClassifier, every split BRANCH_LT on the split's float threshold (XGBoost goes left on
    value < split_condition), nodes numbered per tree in depth-first order, the left ("yes") child first;
  * nodes_missing_value_tracks_true = the node's default direction is left ("missing" == "yes");
  * each leaf one class weight, tree weight 1 times the leaf value, class_ids all 0 (binary: one score);
  * post_transform LOGISTIC; base_values [-log(1/float32(base_score) - 1)] computed in numpy's float32, left out when
    base_score is 0.5 (its margin is 0);
  * classlabels_int64s [0, 1]; input "input" float [N, F], outputs "label" int64 [N] and "probabilities" float [N, 2]
    (onnxmltools' XGBClassifier converter adds no ZipMap).
The booster's feature names go to the model's metadata as tabserve.features (what `tabserve card --feature-names`
records), so that tabserve takes the same JSON body for both files; no other card entry is written.

Usage: xgboost_to_onnx.py MODEL.json OUT.onnx
"""
import json
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper


def base_score_of(learner):
    text = learner["learner_model_param"]["base_score"]
    # XGBoost 3.1+ writes a vector, "[4.4460535E-1]"; older versions one number, "5E-1"
    values = [float(v) for v in text.strip("[]").split(",")]
    if len(values) != 1:
        raise SystemExit("a binary:logistic booster has one base score, this one has %d" % len(values))
    return values


def tree_nodes(tree, tree_id, attrs):
    left = tree["left_children"]
    right = tree["right_children"]
    feature = tree["split_indices"]
    condition = tree["split_conditions"]
    default_left = tree["default_left"]
    if any(int(t) != 0 for t in tree.get("split_type", [])):
        raise SystemExit("tree %d has a categorical split; this converter takes number splits only" % tree_id)
    # onnxmltools renumbers each tree's nodes in depth-first order, "yes" (left) child before "no" (right)
    order, stack = [], [0]
    while stack:
        node = stack.pop()
        order.append(node)
        if left[node] != -1:
            stack.append(right[node])
            stack.append(left[node])
    ids = {node: i for i, node in enumerate(order)}
    for node in order:
        attrs["nodes_treeids"].append(tree_id)
        attrs["nodes_nodeids"].append(ids[node])
        if left[node] == -1:
            attrs["nodes_featureids"].append(0)
            attrs["nodes_modes"].append("LEAF")
            attrs["nodes_values"].append(0.0)
            attrs["nodes_truenodeids"].append(0)
            attrs["nodes_falsenodeids"].append(0)
            attrs["nodes_missing_value_tracks_true"].append(0)
            attrs["class_treeids"].append(tree_id)
            attrs["class_nodeids"].append(ids[node])
            attrs["class_ids"].append(0)
            attrs["class_weights"].append(float(1 * condition[node]))
        else:
            attrs["nodes_featureids"].append(int(feature[node]))
            attrs["nodes_modes"].append("BRANCH_LT")
            attrs["nodes_values"].append(float(condition[node]))
            attrs["nodes_truenodeids"].append(ids[left[node]])
            attrs["nodes_falsenodeids"].append(ids[right[node]])
            attrs["nodes_missing_value_tracks_true"].append(1 if default_left[node] else 0)


def convert(model, out):
    learner = model["learner"]
    objective = learner["objective"]["name"]
    if objective != "binary:logistic":
        raise SystemExit("objective %s: this converter takes binary:logistic" % objective)
    booster = learner["gradient_booster"]
    if booster.get("name") != "gbtree":
        raise SystemExit("booster %s: this converter takes gbtree" % booster.get("name"))
    trees = booster["model"]["trees"]
    width = int(learner["learner_model_param"]["num_feature"])
    names = learner.get("feature_names") or ["f%d" % i for i in range(width)]
    keys = ["nodes_treeids", "nodes_nodeids", "nodes_featureids", "nodes_modes", "nodes_values",
            "nodes_truenodeids", "nodes_falsenodeids", "nodes_missing_value_tracks_true",
            "class_treeids", "class_nodeids", "class_ids", "class_weights"]
    attrs = {k: [] for k in keys}
    for tree_id, tree in enumerate(trees):
        tree_nodes(tree, tree_id, attrs)
    attrs["post_transform"] = "LOGISTIC"
    base_score = base_score_of(learner)
    if base_score[0] != 0.5:
        attrs["base_values"] = [float(-np.log(1 / np.float32(base_score[0]) - 1.0))]
    attrs["classlabels_int64s"] = [0, 1]
    node = helper.make_node("TreeEnsembleClassifier", ["input"], ["label", "probabilities"],
                            domain="ai.onnx.ml", name="TreeEnsembleClassifier", **attrs)
    graph = helper.make_graph(
        [node], "xgboost",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [None, width])],
        [helper.make_tensor_value_info("label", TensorProto.INT64, [None]),
         helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [None, 2])])
    onnx_model = helper.make_model(graph, producer_name="bench/native-trees/xgboost_to_onnx.py",
                                   opset_imports=[helper.make_opsetid("", 15), helper.make_opsetid("ai.onnx.ml", 3)])
    onnx_model.ir_version = 8
    helper.set_model_props(onnx_model, {"tabserve.features": json.dumps(names)})
    onnx.checker.check_model(onnx_model)
    onnx.save(onnx_model, out)
    return len(trees), len(attrs["nodes_treeids"])


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__.strip().splitlines()[-1])
    with open(sys.argv[1]) as f:
        model = json.load(f)
    trees, nodes = convert(model, sys.argv[2])
    print("%s: %d trees, %d nodes -> %s" % (sys.argv[1], trees, nodes, sys.argv[2]))
