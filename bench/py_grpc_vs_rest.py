"""Goal 4 of issue 38 from a Python user's side: the same single bank-note row sent one call after another as a gRPC
ModelInfer through grpcio (stubs generated from src/main/proto/grpc_service.proto by grpc_tools, one plaintext
channel) and as the REST v2 infer call through http.client (one keep-alive connection), as a Python client of either
protocol would. Rounds alternate the order; each call's latency is the client's wall time, and the server's CPU per call
is utime+stime from /proc/PID/stat across each window. Run by bench/py-grpc.

    python3 bench/py_grpc_vs_rest.py HOST PORT MODEL INPUT STUBS_DIR SERVER_PID CALLS ROUNDS WARMUP_CALLS

Prints one JSON object: per protocol, the calls, median and p99 latency in ms and the server's CPU µs per call.
"""
import http.client
import json
import os
import statistics
import sys
import time

host, port, model, input_name, stubs = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
pid, calls, rounds, warmup = int(sys.argv[6]), int(sys.argv[7]), int(sys.argv[8]), int(sys.argv[9])
sys.path.insert(0, stubs)

import grpc  # noqa: E402
import grpc_service_pb2 as pb  # noqa: E402
import grpc_service_pb2_grpc as pb_grpc  # noqa: E402

ROW = [3.6216, 8.6661, -2.8073, -0.44699]
TICK = os.sysconf("SC_CLK_TCK")


def server_ticks():
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of the whole line)


channel = grpc.insecure_channel("%s:%d" % (host, port))
stub = pb_grpc.GRPCInferenceServiceStub(channel)
request = pb.ModelInferRequest(model_name=model)
request.inputs.add(name=input_name, datatype="FP32", shape=[1, len(ROW)],
                   contents=pb.InferTensorContents(fp32_contents=ROW))
rest = http.client.HTTPConnection(host, port)
body = json.dumps({"inputs": [{"name": input_name, "datatype": "FP32", "shape": [1, len(ROW)], "data": ROW}]})
path = "/v2/models/%s/infer" % model
headers = {"Content-Type": "application/json"}


def grpc_call():
    answer = stub.ModelInfer(request, timeout=30)
    if not answer.outputs:
        raise SystemExit("gRPC answered no outputs")


def rest_call():
    rest.request("POST", path, body, headers)
    answer = rest.getresponse()
    data = answer.read()
    if answer.status != 200:
        raise SystemExit("REST answered %d: %s" % (answer.status, data[:200]))


kinds = {"grpc": grpc_call, "rest": rest_call}
latencies = {k: [] for k in kinds}
ticks = {k: 0 for k in kinds}
for kind, call in kinds.items():
    for _ in range(warmup):
        call()
for r in range(rounds):
    order = ["grpc", "rest"] if r % 2 == 0 else ["rest", "grpc"]
    for kind in order:
        call = kinds[kind]
        before = server_ticks()
        for _ in range(calls):
            t0 = time.perf_counter()
            call()
            latencies[kind].append(time.perf_counter() - t0)
        ticks[kind] += server_ticks() - before
out = {}
for kind, lat in latencies.items():
    lat.sort()
    out[kind] = {
        "calls": len(lat),
        "median_ms": round(statistics.median(lat) * 1e3, 3),
        "p99_ms": round(lat[int(len(lat) * 0.99) - 1] * 1e3, 3),
        "server_cpu_us": round(ticks[kind] * 1e6 / TICK / len(lat), 1),
    }
print(json.dumps(out))
