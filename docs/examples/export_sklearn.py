# A scikit-learn pipeline of text and numbers, with missing numbers, exported to ONNX by skl2onnx for tabserve
# (docs/models.md, "Export a model to ONNX"). From the clone's root, after `mvn -B package -DskipTests`:
#   pip install scikit-learn==1.2.1 skl2onnx==1.14.1 onnx==1.12.0 numpy==1.24.2 pandas==1.5.3
#   python3 docs/examples/export_sklearn.py
import numpy as np
import pandas as pd
from skl2onnx import to_onnx
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

texts = ["island", "sex"]
numbers = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
data = pd.read_csv("data/penguins.csv").dropna(subset=["sex"])  # ONNX has no missing text: train where sex is known
X = data[texts + numbers].astype({name: np.float32 for name in numbers})  # float32 inputs, as ONNX reads them
y = data["species"]

model = make_pipeline(
    ColumnTransformer([
        ("text", OneHotEncoder(handle_unknown="ignore"), texts),
        ("numbers", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numbers),
    ]),
    LogisticRegression(max_iter=1000),
)
model.fit(X, y)

# One input per column, named as the column; the imputer goes into the graph, so a missing number (null, an empty
# CSV cell) is served as it was fitted. zipmap=False: label and probabilities as plain tensors.
onnx_model = to_onnx(model, X[:1], options={LogisticRegression: {"zipmap": False}},
                     target_opset={"": 15, "ai.onnx.ml": 2})
with open("target/penguins-sklearn.onnx", "wb") as f:
    f.write(onnx_model.SerializeToString())
print("wrote target/penguins-sklearn.onnx; scikit-learn's answer for the first row:",
      dict(zip(model.classes_, model.predict_proba(X[:1])[0].round(6))))
