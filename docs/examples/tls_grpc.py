"""Calls tabserve's Open Inference Protocol over gRPC with TLS as the client notes, named by its certificate
(docs/security.md; TlsIT runs it), with stubs generated from src/main/proto/grpc_service.proto:

    python3 -m grpc_tools.protoc -I src/main/proto --python_out=. --grpc_python_out=. src/main/proto/grpc_service.proto
    python3 tls_grpc.py [localhost:8443]
"""
import json
import sys

import grpc
import grpc_service_pb2 as pb
import grpc_service_pb2_grpc as pb_grpc

address = sys.argv[1] if len(sys.argv) > 1 else "localhost:8443"
with open("ca.pem", "rb") as ca, open("notes-key.pem", "rb") as key, open("notes.pem", "rb") as chain:
    credentials = grpc.ssl_channel_credentials(
        root_certificates=ca.read(), private_key=key.read(), certificate_chain=chain.read()
    )
with grpc.secure_channel(address, credentials) as channel:
    stub = pb_grpc.GRPCInferenceServiceStub(channel)
    metadata = stub.ModelMetadata(pb.ModelMetadataRequest(name="banknote"), timeout=30)
    request = pb.ModelInferRequest(model_name="banknote", id="tls")
    request.inputs.add(
        name=metadata.inputs[0].name,
        datatype="FP32",
        shape=[1, 4],
        contents=pb.InferTensorContents(fp32_contents=[3.6, 8.6, -2.8, -0.4]),
    )
    answer = stub.ModelInfer(request, timeout=30)


def values(tensor):
    c = tensor.contents
    if tensor.datatype == "BYTES":
        return [b.decode("utf-8") for b in c.bytes_contents]
    return list({"FP32": c.fp32_contents, "FP64": c.fp64_contents, "INT64": c.int64_contents}[tensor.datatype])


outputs = [{"name": t.name, "datatype": t.datatype, "shape": list(t.shape), "data": values(t)} for t in answer.outputs]
print(json.dumps({"model_name": answer.model_name, "id": answer.id, "outputs": outputs}))
