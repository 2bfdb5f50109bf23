"""Predicts with tabserve over HTTPS as the client notes, named by its certificate (docs/security.md; TlsIT runs it).

    python3 tls_requests.py [https://localhost:8443]
"""
import sys

import requests

server = sys.argv[1] if len(sys.argv) > 1 else "https://localhost:8443"
answer = requests.post(
    server + "/models/banknote/api/predict",
    json={"variance": 3.6, "skewness": 8.6, "curtosis": -2.8, "entropy": -0.4},
    cert=("notes.pem", "notes-key.pem"),  # the client's certificate and key: its CN, notes, names the client
    verify="ca.pem",  # the authority that signed the server's certificate
    timeout=30,
)
print(answer.status_code, answer.text)
