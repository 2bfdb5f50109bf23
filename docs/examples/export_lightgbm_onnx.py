# A LightGBM classifier exported to ONNX by onnxmltools for tabserve (docs/models.md, "Export a model to ONNX").
# tabserve serves LightGBM's own file too (`model.booster_.save_model("model.txt")`, the quick start): ONNX is for
# those who want one file format for every model. From the clone's root, after `mvn -B package -DskipTests`:
#   pip install lightgbm==3.3.5 scikit-learn==1.2.1 onnxmltools==1.13.0 onnxconverter-common==1.14.0 onnx==1.12.0 numpy==1.24.2 pandas==1.5.3
#   python3 docs/examples/export_lightgbm_onnx.py
import numpy as np
import pandas as pd
import lightgbm
from onnxmltools import convert_lightgbm
from onnxmltools.convert.common.data_types import FloatTensorType

features = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
classes = ["Adelie", "Chinstrap", "Gentoo"]
data = pd.read_csv("data/penguins.csv")  # two penguins have no measurement: the trees learn where a missing one goes
X = data[features].values.astype(np.float32)
y = data["species"].map(classes.index).values

model = lightgbm.LGBMClassifier(n_estimators=20, num_leaves=8, random_state=0)
model.fit(X, y)

# One float input [N, 4]; the classes are 0, 1, 2 (classes[0], ...), the columns f0 ... f3 until `card` names them.
# zipmap=False: label and probabilities as plain tensors.
onnx_model = convert_lightgbm(model, initial_types=[("input", FloatTensorType([None, len(features)]))],
                              target_opset=15, zipmap=False)
with open("target/penguins-lightgbm.onnx", "wb") as f:
    f.write(onnx_model.SerializeToString())
print("wrote target/penguins-lightgbm.onnx; LightGBM's answer for the first row:",
      dict(zip(classes, model.predict_proba(X[:1])[0].round(6))))
