# A Keras network on four measurements, exported to ONNX by tf2onnx for tabserve (docs/models.md, "Export a model to
# ONNX"). TensorFlow 2.15 is the last whose Keras (Keras 2) tf2onnx converts; Python 3.9 to 3.11. From the clone's
# root, after `mvn -B package -DskipTests`:
#   pip install tensorflow==2.15.1 tf2onnx==1.16.1 onnx==1.15.0 numpy==1.24.2 pandas==1.5.3
#   python3 docs/examples/export_keras.py
import numpy as np
import pandas as pd
import tensorflow as tf
import tf2onnx

features = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
classes = ["Adelie", "Chinstrap", "Gentoo"]
data = pd.read_csv("data/penguins.csv").dropna(subset=features)
X = data[features].values.astype(np.float32)
y = data["species"].map(classes.index).values

tf.keras.utils.set_random_seed(0)
normalize = tf.keras.layers.Normalization()  # the scaling is part of the model: the graph takes the measurements
normalize.adapt(X)
model = tf.keras.Sequential([
    tf.keras.Input(shape=(len(features),), name="input"),
    normalize,
    tf.keras.layers.Dense(16, activation="relu"),
    tf.keras.layers.Dense(len(classes), activation="softmax"),
])
model.compile(optimizer=tf.keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
model.fit(X, y, epochs=100, batch_size=32, verbose=0)

# One float input [N, 4] whose batch dimension is free; the columns get their names from `card`.
tf2onnx.convert.from_keras(model, input_signature=[tf.TensorSpec([None, len(features)], tf.float32, name="input")],
                           opset=15, output_path="target/penguins-keras.onnx")
data[features + ["species"]].to_csv("target/penguins-measured.csv", index=False)  # the rows it was trained on
print("wrote target/penguins-keras.onnx; Keras's answer for the first row:",
      dict(zip(classes, model.predict(X[:1], verbose=0)[0].round(6))))
