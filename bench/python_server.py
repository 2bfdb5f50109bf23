"""The Python baseline of issue 25: what a user would write in Python to serve the bank-note model as JSON.

aiohttp on POST /api/predict, the body's four fields into one float32 [1, 4] array, one onnxruntime session per
worker process (1 intra-op thread), {"label": ..., "probabilities": [...]} answered; no validation, no metrics, no
access log. WORKERS processes (default: the CPUs this process may use) accept on one listening socket, each with its
own event loop and session. Run by bench/run and bench/pods only where `python3 -c 'import onnxruntime, aiohttp'`
works: python3 bench/python_server.py --port PORT [--workers N] [model.onnx]
"""
import argparse
import os
import signal
import socket
import sys


def serve(sock, model):
    # imported in the worker, after the fork: each process has its own runtime, session and event loop
    import numpy as np
    import onnxruntime
    from aiohttp import web

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    input_name = session.get_inputs()[0].name
    names = [o.name for o in session.get_outputs()]
    output = names.index("probabilities") if "probabilities" in names else 0

    async def predict(request):
        row = await request.json()
        features = np.array([[row["variance"], row["skewness"], row["curtosis"], row["entropy"]]], dtype=np.float32)
        probabilities = session.run(None, {input_name: features})[output][0]
        return web.json_response({"label": int(probabilities.argmax()), "probabilities": probabilities.tolist()})

    app = web.Application()
    app.router.add_post("/api/predict", predict)
    web.run_app(app, sock=sock, access_log=None, print=None, handle_signals=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("model", nargs="?", default="model.onnx")
    args = parser.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    sock.listen(1024)
    sock.set_inheritable(True)
    children = []
    for _ in range(max(1, args.workers)):
        pid = os.fork()
        if pid == 0:
            serve(sock, args.model)
            os._exit(0)
        children.append(pid)

    def stop(signum, frame):
        for child in children:
            try:
                os.kill(child, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for child in children:
            os.waitpid(child, 0)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"python: listening on http://127.0.0.1:{args.port}/ with {len(children)} workers", flush=True)
    os.wait()  # a worker that dies ends the server
    stop(None, None)


if __name__ == "__main__":
    main()
