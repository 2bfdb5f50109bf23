"""Stands for docs/models.md's `python3 docs/examples/export_X.py` in ExportedModelsIT: runs the script as written
(runpy, as `python3 SCRIPT` runs it), then writes the library's own answers for the rows the script trained on to
$TABSERVE_EXPORT_ANSWERS/NAME.json (NAME: the script's, without .py), for the test to hold the served ONNX file's answers to. The script's `model` (the fitted
estimator or network) and `X` (its rows) are read from what it left; a model that takes missing values gets every 7th
row with one number blanked (row i with i % 7 == 3 loses number (i // 7) % 4), answered by the library as NaN.

Writes {"rows": [...], "labels": [...], "probabilities": [[...], ...]}: rows as objects (the script's DataFrame
columns) or arrays (a float array), null for a missing value; labels as the server names the classes; one row of
probabilities per row, in the order of labels."""

import json
import math
import os
import runpy
import sys

import numpy as np


def blanked(values, numbers):
    values = values.copy()
    for i in range(len(values)):
        if i % 7 == 3:
            values[i][numbers[(i // 7) % len(numbers)]] = np.nan
    return values


def cell(v):
    if isinstance(v, str):
        return v
    v = float(v)
    return None if math.isnan(v) else v


def main():
    script = sys.argv[1]
    out = os.path.join(os.environ["TABSERVE_EXPORT_ANSWERS"], os.path.basename(script)[:-len(".py")] + ".json")
    sys.argv = [script]
    done = runpy.run_path(script, run_name="__main__")
    model, X = done["model"], done["X"]
    if hasattr(model, "predict_proba") and hasattr(X, "columns"):  # a scikit-learn pipeline of named columns
        numbers = [c for c in X.columns if X[c].dtype.kind == "f"]
        rows = X.reset_index(drop=True).copy()
        for i in range(len(rows)):
            if i % 7 == 3:
                rows.loc[i, numbers[(i // 7) % len(numbers)]] = np.nan
        probabilities = model.predict_proba(rows)
        labels = [str(c) for c in model.classes_]
        rows = [{c: cell(v) for c, v in zip(rows.columns, r)} for r in rows.itertuples(index=False)]
    elif hasattr(model, "predict_proba"):  # XGBoost, LightGBM: one float array, trees that route a missing value
        values = blanked(np.asarray(X, dtype=np.float32), list(range(X.shape[1])))
        probabilities = model.predict_proba(values)
        labels = [str(c) for c in range(probabilities.shape[1])]
        rows = [[cell(v) for v in r] for r in values]
    else:  # a PyTorch network of logits, named by `card`: rows by the script's feature names, no missing value
        import torch
        with torch.no_grad():
            probabilities = torch.softmax(model(X), dim=1).numpy()
        labels = [str(c) for c in range(probabilities.shape[1])]
        rows = [dict(zip(done["features"], map(cell, r))) for r in X.numpy()]
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"rows": rows, "labels": labels, "probabilities": np.asarray(probabilities, dtype=float).tolist()}, f)
    print("the library's answers for %d rows written to %s" % (len(rows), out))


if __name__ == "__main__":
    main()
