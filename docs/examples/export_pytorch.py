# A PyTorch network on four measurements, exported to ONNX by torch.onnx.export for tabserve (docs/models.md,
# "Export a model to ONNX"). From the clone's root, after `mvn -B package -DskipTests`:
#   pip install torch==1.13.1 onnx==1.12.0 numpy==1.24.2 pandas==1.5.3
#   python3 docs/examples/export_pytorch.py
import pandas as pd
import torch
from torch import nn

features = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
classes = ["Adelie", "Chinstrap", "Gentoo"]
data = pd.read_csv("data/penguins.csv").dropna(subset=features)
X = torch.tensor(data[features].values, dtype=torch.float32)
y = torch.tensor(data["species"].map(classes.index).values)

# The scaling is part of the network, so the exported graph takes the measurements as they are.
mean, std = X.mean(dim=0), X.std(dim=0)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("mean", mean)
        self.register_buffer("std", std)
        self.layers = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))

    def forward(self, x):
        return self.layers((x - self.mean) / self.std)  # logits: tabserve applies softmax


torch.manual_seed(0)
model = Net()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
for epoch in range(300):
    optimizer.zero_grad()
    nn.functional.cross_entropy(model(X), y).backward()
    optimizer.step()
model.eval()

# One float input [N, 4] whose batch dimension is free; the columns get their names from `card`.
torch.onnx.export(model, X[:1], "target/penguins-pytorch.onnx", input_names=["input"], output_names=["logits"],
                  dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, opset_version=15)
data[features + ["species"]].to_csv("target/penguins-measured.csv", index=False)  # the rows it was trained on
with torch.no_grad():
    print("wrote target/penguins-pytorch.onnx; PyTorch's answer for the first row:",
          dict(zip(classes, torch.softmax(model(X[:1]), dim=1)[0].numpy().round(6))))
