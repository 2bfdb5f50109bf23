# An XGBoost classifier exported to ONNX by onnxmltools for tabserve (docs/models.md, "Export a model to ONNX"). tabserve
# serves XGBoost's own file too (`clf.get_booster().save_model("model.json")`, the quick start): ONNX is for those
# who want one file format for every model. From the clone's root, after `mvn -B package -DskipTests`:
#   pip install xgboost==1.7.4 onnxmltools==1.13.0 onnxconverter-common==1.14.0 onnx==1.12.0 numpy==1.24.2 pandas==1.5.3
#   python3 docs/examples/export_xgboost_onnx.py
import numpy as np
import pandas as pd
import xgboost
from onnxmltools import convert_xgboost
from onnxmltools.convert.common.data_types import FloatTensorType

features = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
classes = ["Adelie", "Chinstrap", "Gentoo"]
data = pd.read_csv("data/penguins.csv")  # two penguins have no measurement: the trees learn where a missing one goes
X = data[features].values.astype(np.float32)  # a plain array: onnxmltools reads the trees' features as f0, f1, ...
y = data["species"].map(classes.index).values

model = xgboost.XGBClassifier(n_estimators=20, max_depth=3, random_state=0)
model.fit(X, y)

# One float input [N, 4]; the classes are 0, 1, 2 (classes[0], ...), the columns f0 ... f3 until `card` names them.
onnx_model = convert_xgboost(model, initial_types=[("input", FloatTensorType([None, len(features)]))],
                             target_opset=15)
with open("target/penguins-xgboost.onnx", "wb") as f:
    f.write(onnx_model.SerializeToString())
print("wrote target/penguins-xgboost.onnx; XGBoost's answer for the first row:",
      dict(zip(classes, model.predict_proba(X[:1])[0].round(6))))
