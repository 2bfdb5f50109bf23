"""A Python caller that sends a W3C traceparent, as an instrumented client would: TracesIT runs it with Debian's python3.

  traced_client.py json URL TRACEPARENT BODY       POST BODY (JSON) with the header; prints the answer's status, its
                                                   traceparent header and its body, as one JSON line
  traced_client.py grpc HOST:PORT STUBS MODEL INPUT TRACEPARENT
                                                   ModelInfer on MODEL (one bank note) with traceparent metadata; prints
                                                   the answer's model name and version as one JSON line
"""
import json
import sys
import urllib.error
import urllib.request

mode = sys.argv[1]
if mode == "json":
    url, traceparent, body = sys.argv[2], sys.argv[3], sys.argv[4]
    request = urllib.request.Request(url, data=body.encode("utf-8"), method="POST",
                                     headers={"Content-Type": "application/json", "traceparent": traceparent})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            status, headers, text = answer.status, answer.headers, answer.read().decode("utf-8")
    except urllib.error.HTTPError as refused:
        status, headers, text = refused.code, refused.headers, refused.read().decode("utf-8")
    print(json.dumps({"status": status, "traceparent": headers.get("traceparent"), "body": json.loads(text)}))
elif mode == "grpc":
    address, stubs, model, name, traceparent = sys.argv[2:7]
    sys.path.insert(0, stubs)
    import grpc  # noqa: E402
    import grpc_service_pb2 as pb  # noqa: E402
    import grpc_service_pb2_grpc as pb_grpc  # noqa: E402

    with grpc.insecure_channel(address) as channel:
        stub = pb_grpc.GRPCInferenceServiceStub(channel)
        request = pb.ModelInferRequest(model_name=model, id="traced")
        request.inputs.add(name=name, datatype="FP32", shape=[1, 4],
                           contents=pb.InferTensorContents(fp32_contents=[3.6216, 8.6661, -2.8073, -0.44699]))
        answer = stub.ModelInfer(request, timeout=30, metadata=[("traceparent", traceparent)])
        print(json.dumps({"model_name": answer.model_name, "model_version": answer.model_version}))
else:
    raise SystemExit("unknown mode " + mode)
