#!/bin/sh
# Makes, in the current folder, what docs/security.md's client-certificate example uses: a certificate authority
# (ca.pem), the server's certificate for localhost and 127.0.0.1 signed by it (server.pem, server-key.pem), and the
# certificate of a client named notes by its CN (notes.pem, notes-key.pem). TlsIT runs it. Keys are PKCS#8, as
# OpenSSL 3 writes them, and readable by their owner alone.
set -eu
openssl req -x509 -new -nodes -newkey rsa:2048 -keyout ca-key.pem -out ca.pem -days 365 -subj '/CN=tabserve example CA'
openssl req -new -nodes -newkey rsa:2048 -keyout server-key.pem -out server.csr -subj '/CN=localhost'
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 365 -extfile server.ext -out server.pem
openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout notes-key.pem -out notes.csr -subj '/CN=notes'
openssl x509 -req -in notes.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 365 -out notes.pem
chmod 600 ca-key.pem server-key.pem notes-key.pem
