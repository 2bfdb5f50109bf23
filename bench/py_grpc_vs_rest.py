"""Goal 4 of issue 38 from a Python user's side: the same single bank-note row sent one call after another as a gRPC
ModelInfer through grpcio (stubs generated from src/main/proto/grpc_service.proto by grpc_tools, one plaintext
channel) and as the REST v2 infer call through http.client (one keep-alive connection), as a Python client of either
protocol would; with GRPC_PORT, the same gRPC call also on that port (tabserve's --grpc-port: HTTP/2 alone, threads of
its own). Rounds rotate the order; each call's latency is the client's wall time, and the server's CPU per call
is utime+stime from /proc/PID/stat across each window. Run by bench/py-grpc.

    python3 bench/py_grpc_vs_rest.py HOST PORT MODEL INPUT STUBS_DIR SERVER_PID CALLS ROUNDS WARMUP_CALLS [GRPC_PORT]

Prints one JSON object: per kind of call ("grpc", "rest", and "grpc_port" with GRPC_PORT), the calls, median and p99
latency in ms, the server's CPU µs per call and the client's own CPU µs per call (this process, all its threads).
"""
import http.client
import json
import os
import statistics
import sys
import time

host, port, model, input_name, stubs = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
pid, calls, rounds, warmup = int(sys.argv[6]), int(sys.argv[7]), int(sys.argv[8]), int(sys.argv[9])
grpc_port = int(sys.argv[10]) if len(sys.argv) > 10 else None
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
own_stub = pb_grpc.GRPCInferenceServiceStub(grpc.insecure_channel("%s:%d" % (host, grpc_port))) if grpc_port else None
request = pb.ModelInferRequest(model_name=model)
request.inputs.add(name=input_name, datatype="FP32", shape=[1, len(ROW)],
                   contents=pb.InferTensorContents(fp32_contents=ROW))
rest = http.client.HTTPConnection(host, port)
body = json.dumps({"inputs": [{"name": input_name, "datatype": "FP32", "shape": [1, len(ROW)], "data": ROW}]})
path = "/v2/models/%s/infer" % model
headers = {"Content-Type": "application/json"}


def grpc_call(on=None):
    answer = (on or stub).ModelInfer(request, timeout=30)
    if not answer.outputs:
        raise SystemExit("gRPC answered no outputs")


def grpc_port_call():
    grpc_call(own_stub)


def rest_call():
    try:
        rest.request("POST", path, body, headers)
        answer = rest.getresponse()
    except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
        # the server closed the connection while it was idle (its idle timeout, e.g. through the other kinds'
        # warm-up at load): legal HTTP, which http.client does not retry on its own; once more on a new connection
        rest.close()
        rest.request("POST", path, body, headers)
        answer = rest.getresponse()
    data = answer.read()
    if answer.status != 200:
        raise SystemExit("REST answered %d: %s" % (answer.status, data[:200]))


kinds = {"grpc": grpc_call, "rest": rest_call}
if own_stub:
    kinds["grpc_port"] = grpc_port_call
latencies = {k: [] for k in kinds}
ticks = {k: 0 for k in kinds}
own_cpu = {k: 0.0 for k in kinds}
for kind, call in kinds.items():
    for _ in range(warmup):
        call()
for r in range(rounds):
    names = list(kinds)
    order = names[r % len(names):] + names[:r % len(names)]
    if r // len(names) % 2 == 1:
        order.reverse()
    for kind in order:
        call = kinds[kind]
        before = server_ticks()
        cpu_before = time.process_time()
        for _ in range(calls):
            t0 = time.perf_counter()
            call()
            latencies[kind].append(time.perf_counter() - t0)
        ticks[kind] += server_ticks() - before
        own_cpu[kind] += time.process_time() - cpu_before
out = {}
for kind, lat in latencies.items():
    lat.sort()
    out[kind] = {
        "calls": len(lat),
        "median_ms": round(statistics.median(lat) * 1e3, 3),
        "p99_ms": round(lat[int(len(lat) * 0.99) - 1] * 1e3, 3),
        "server_cpu_us": round(ticks[kind] * 1e6 / TICK / len(lat), 1),
        "client_cpu_us": round(own_cpu[kind] * 1e6 / len(lat), 1),
    }
print(json.dumps(out))
