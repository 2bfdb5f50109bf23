#!/usr/bin/env python3
"""A slow client's CSV upload, for the image's SIGTERM check (build-and-check.sh).

usage: slow-upload.py HOST PORT CSV WORKDIR

Sends CSV as a multipart upload to POST /predict_file with `Expect: 100-continue`, writes WORKDIR/continue once the
server has said `100 Continue` (it is then reading the body, a request in flight), sends the body at 40 kB/s, then
reads the answer at 48 kB/s through a 16 kB receive buffer: a 375 kB answer takes about 8 s to read, longer than the
5 s a stopping server keeps a silent connection, so that the answer's last part is still in the server's kernel when
Jetty closes the connection. Writes WORKDIR/upload.status (the status code) and WORKDIR/upload.json (the de-chunked
body); exits 1, saying why, when the connection breaks or the answer is not whole.
"""
import socket
import sys
import time
import uuid

host, port, csv, work = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
with open(csv, "rb") as f:
    data = f.read()
boundary = uuid.uuid4().hex
body = (
    f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"upload.csv\"\r\n"
    "Content-Type: text/csv\r\n\r\n"
).encode() + data + f"\r\n--{boundary}--\r\n".encode()

conn = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
conn.settimeout(60)
conn.connect((host, port))
conn.sendall(
    (
        f"POST /predict_file HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: application/json\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {len(body)}\r\n"
        "Expect: 100-continue\r\nConnection: close\r\n\r\n"
    ).encode()
)


def read_head(buffer):
    while b"\r\n\r\n" not in buffer:
        chunk = conn.recv(4096)
        if not chunk:
            sys.exit("the connection closed before a response head: " + repr(buffer[:200]))
        buffer += chunk
    head, rest = buffer.split(b"\r\n\r\n", 1)
    return head.decode("latin-1"), rest


try:
    head, rest = read_head(b"")
    if not head.startswith("HTTP/1.1 100"):
        sys.exit("the server answered before reading the body: " + head.splitlines()[0])
    open(f"{work}/continue", "w").close()
    for i in range(0, len(body), 4000):
        conn.sendall(body[i : i + 4000])
        time.sleep(0.1)
    answer = rest
    while True:
        chunk = conn.recv(4800)
        if not chunk:
            break
        answer += chunk
        time.sleep(0.1)
except OSError as e:
    sys.exit(f"the upload in flight was cut: {e!r}")
head, raw = read_head(answer) if b"\r\n\r\n" in answer else sys.exit("no response head: " + repr(answer[:200]))
status = head.split(" ", 2)[1]
with open(f"{work}/upload.status", "w") as f:
    f.write(status)
if "transfer-encoding: chunked" in head.lower():
    content = b""
    while True:
        size_line, _, raw = raw.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16) if size_line else -1
        if size <= 0:
            break
        content, raw = content + raw[:size], raw[size + 2 :]
    if size != 0:
        sys.exit(f"the chunked answer broke off after {len(content)} bytes")
else:
    content = raw
with open(f"{work}/upload.json", "wb") as f:
    f.write(content)
