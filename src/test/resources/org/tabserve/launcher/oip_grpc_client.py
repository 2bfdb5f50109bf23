"""A Python client of tabserve's Open Inference Protocol over gRPC, as a Python user writes one: stubs generated from
src/main/proto/grpc_service.proto with grpc_tools, and grpcio's plaintext channel (HTTP/2 cleartext by prior
knowledge). PythonGrpcClientIT runs it against the built WAR and compares what it prints with REST v2's answers.

    python3 oip_grpc_client.py HOST:PORT MODEL STUBS_DIR ROWS_JSON

ROWS_JSON is a JSON list of rows of FP32 values for the model's one input. Prints one JSON object: ServerLive, then
ModelMetadata and ModelInfer as their REST v2 JSON would be, or the failing call's gRPC status code and details. With
the environment variable TABSERVE_API_KEY set, each call carries it as the `authorization` metadata (a server with API
keys, docs/security.md).
"""
import json
import os
import sys

address, model, stubs, rows = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
sys.path.insert(0, stubs)

import grpc  # noqa: E402
import grpc_service_pb2 as pb  # noqa: E402
import grpc_service_pb2_grpc as pb_grpc  # noqa: E402


def tensor(t, values):
    return {"name": t.name, "datatype": t.datatype, "shape": list(t.shape), "data": values}


def contents(t):
    c = t.contents
    if t.datatype == "BYTES":
        return [b.decode("utf-8") for b in c.bytes_contents]
    if t.datatype == "FP32":
        return list(c.fp32_contents)
    if t.datatype == "FP64":
        return list(c.fp64_contents)
    if t.datatype == "INT64":
        return list(c.int64_contents)
    raise ValueError("unexpected datatype " + t.datatype)


key = os.environ.get("TABSERVE_API_KEY")
auth = (("authorization", "Bearer " + key),) if key else ()

with grpc.insecure_channel(address) as channel:
    stub = pb_grpc.GRPCInferenceServiceStub(channel)
    out = {}
    try:
        out["live"] = stub.ServerLive(pb.ServerLiveRequest(), timeout=30, metadata=auth).live
        metadata = stub.ModelMetadata(pb.ModelMetadataRequest(name=model), timeout=30, metadata=auth)
        out["metadata"] = {
            "name": metadata.name,
            "platform": metadata.platform,
            "inputs": [{"name": t.name, "datatype": t.datatype, "shape": list(t.shape)} for t in metadata.inputs],
            "outputs": [{"name": t.name, "datatype": t.datatype, "shape": list(t.shape)} for t in metadata.outputs],
        }
        request = pb.ModelInferRequest(model_name=model, id="python")
        request.inputs.add(name=metadata.inputs[0].name, datatype="FP32", shape=[len(rows), len(rows[0])],
                           contents=pb.InferTensorContents(fp32_contents=[v for row in rows for v in row]))
        answer = stub.ModelInfer(request, timeout=30, metadata=auth)
        out["infer"] = {
            "model_name": answer.model_name,
            "model_version": answer.model_version,
            "id": answer.id,
            "outputs": [tensor(t, contents(t)) for t in answer.outputs],
        }
        stub.ModelInfer(pb.ModelInferRequest(model_name="no-such-model", inputs=request.inputs), timeout=30, metadata=auth)
    except grpc.RpcError as e:
        out["error"] = {"code": e.code().name, "details": e.details()}
    print(json.dumps(out))
