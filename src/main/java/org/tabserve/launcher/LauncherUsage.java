package org.tabserve.launcher;

/** What {@code java -jar tabserve.war --help} prints: the launcher's flags, the commands and the web app's limits. */
final class LauncherUsage {

    private LauncherUsage() {}

    static final String TEXT = """
            usage: java -jar tabserve.war [--port N] [--host ADDRESS] [--model FILE.onnx | --models DIR]
                                          [--poll-seconds N] [--default-model NAME] [--max-models N]
                                          [--idle-timeout SECONDS] [--header-timeout SECONDS] [--max-header-bytes N]
                                          [--min-request-rate BYTES] [--min-request-rate-grace SECONDS]
                                          [--min-response-rate BYTES] [--max-concurrent-streams N]
                                          [--prediction-log DIR [--prediction-log-sample F] [--prediction-log-mask A,B]]
                                          [--feedback-token TOKEN | --open-feedback] [--api-keys FILE]
                                          [--oidc-issuer URL --oidc-audience AUD [--oidc-scopes-claim CLAIM]
                                           [--oidc-read-deadline SECONDS] [--oidc-min-read-rate BYTES]
                                           [--oidc-login-client ID [--oidc-login-secret-file FILE]
                                            [--oidc-redirect-base URL]]]
                                          [--client-rates NAME=RATE,...] [--cors-origins ORIGIN,...]
                                          [--audit-log FILE]
                                          [--s3-endpoint URL] [--model-cache DIR]
                                          [--shared-state redis://HOST:PORT] [--otel-endpoint URL]
                                          [--drain-seconds S] [--grpc-port N] [--probe-port N] [--help]
                                          [--tls-cert PEM --tls-key PEM [--tls-client-ca PEM]]
                   java -jar tabserve.war card --model MODEL.onnx --data LABELLED.csv --label COLUMN --out NEW.onnx ...
                   java -jar tabserve.war score --model MODEL.onnx --data ROWS.csv --out SCORED.csv ...
                   java -jar tabserve.war log-csv --model NAME --log DIR --out ROWS.csv ...
              --port N         port to listen on (default 8080, 0 = any free port)    env TABSERVE_PORT
              --host ADDRESS   interface to listen on (default 127.0.0.1; 0.0.0.0 = all) env TABSERVE_HOST
              --model FILE     ONNX model to serve, a classifier or a regressor
                               (default: the model in the WAR)                     env TABSERVE_MODEL
                               or one object s3://BUCKET/DIR/NAME.onnx, served as NAME,
                               polled, checked and cached as --models s3:// models are
              --models DIR     serve every model in DIR: DIR/NAME.onnx, DIR/NAME/VERSION/model.onnx
                               or in s3://BUCKET/PREFIX, laid out the same, mirrored into
                               --model-cache (credentials: AWS's default chain)    env TABSERVE_MODELS
              --s3-endpoint URL  another S3 server than AWS's (MinIO, Ceph, R2, GCS),
                               addressed path-style          env TABSERVE_S3_ENDPOINT or AWS_ENDPOINT_URL
              --model-cache DIR  where s3:// models are kept, owner-only (default:
                               ~/.cache/tabserve/models/<location's digest>)  env TABSERVE_MODEL_CACHE
              --poll-seconds N look for added, replaced, removed models every N s
                               (default 0: once, at start)                         env TABSERVE_POLL_SECONDS
              --default-model NAME  the model / and /api/predict answer with
                               (default: the first by name with a card)            env TABSERVE_DEFAULT_MODEL
              --max-models N   most model versions loaded at once (default 100)    env TABSERVE_MAX_MODELS
              --idle-timeout S close a connection silent for S seconds (default 30)  env TABSERVE_IDLE_TIMEOUT
              --header-timeout S  close a connection whose request line + headers take
                               longer than S seconds to arrive (default 20)         env TABSERVE_HEADER_TIMEOUT
              --max-header-bytes N  largest request line + headers (default 8192)  env TABSERVE_MAX_HEADER_BYTES
              --min-request-rate N  answer 408 to a request whose body arrives slower than N
                               bytes/s on average, or over any S seconds it is waited for
                               (default 1024; 0 = no minimum)         env TABSERVE_MIN_REQUEST_RATE
              --min-request-rate-grace S  ...once it has been arriving for S seconds
                               (default 10)                           env TABSERVE_MIN_REQUEST_RATE_GRACE
              --min-response-rate N  cut a response its client reads slower than N bytes/s
                               on average, once it has waited for the client S seconds
                               (default 1024; 0 = no minimum)        env TABSERVE_MIN_RESPONSE_RATE
              --max-concurrent-streams N  most HTTP/2 streams (gRPC calls) open at once on
                               one connection, and from one client address across its
                               connections (default 32)           env TABSERVE_MAX_CONCURRENT_STREAMS
              --prediction-log DIR  write what each request scored (inputs, answer, latency) as
                               JSON Lines to DIR, rotated by size (default: off)   env TABSERVE_PREDICTION_LOG
              --prediction-log-sample F  log a share F of requests (default 1)
                                                               env TABSERVE_PREDICTION_LOG_SAMPLE
              --prediction-log-mask A,B  leave the values of columns A, B out of that log
                               and of query strings in the access log
                                                               env TABSERVE_PREDICTION_LOG_MASK
              --feedback-token TOKEN  labels (POST /api/feedback) need Authorization: Bearer
                               TOKEN or the admin token (default: no token, labels refused
                               (403) unless --open-feedback; prefer the variable: a flag
                               shows in ps)                       env TABSERVE_FEEDBACK_TOKEN
              --open-feedback  let anyone send labels, without a token (default: off)
                                                                  env TABSERVE_OPEN_FEEDBACK=true
              --api-keys FILE  every route but /health/* needs Authorization: Bearer KEY,
                               a key of FILE (NAME SCOPES SHA256HEX [RATE] a line), with
                               the scope it asks for (default: none asked)  env TABSERVE_API_KEYS
              --oidc-issuer URL  every route but /health/* needs a credential; take OIDC tokens
                               (JWTs, RS256/ES256/PS256) this issuer signed, its keys found
                               by discovery (default: none)       env TABSERVE_OIDC_ISSUER
              --oidc-audience AUD  the audience a token must name in its aud (with
                               --oidc-issuer)                    env TABSERVE_OIDC_AUDIENCE
              --oidc-scopes-claim CLAIM  the claim of a token's scopes, a path by dots (default:
                               scope; Keycloak's roles: realm_access.roles)
                                                                  env TABSERVE_OIDC_SCOPES_CLAIM
              --oidc-read-deadline SECONDS  the most one read from the issuer (its discovery
                               document, its JWKS) may take in all (default: 5)
                                                                  env TABSERVE_OIDC_READ_DEADLINE
              --oidc-min-read-rate BYTES  the slowest a read from the issuer may arrive, bytes
                               a second after its first 2 s (default: 1024; 0: none)
                                                                  env TABSERVE_OIDC_MIN_READ_RATE
              --oidc-login-client ID  people sign in to the pages through the issuer as this
                               client (the code flow with PKCE), its secret in the
                               variable TABSERVE_OIDC_LOGIN_SECRET or a file (default: no
                               sign-in)                          env TABSERVE_OIDC_LOGIN_CLIENT
              --oidc-login-secret-file FILE  the login client's secret, in a file only this
                               user may read                env TABSERVE_OIDC_LOGIN_SECRET_FILE
              --oidc-redirect-base URL  the server's address as browsers reach it, behind a
                               proxy (default: the request's own)
                                                                  env TABSERVE_OIDC_REDIRECT_BASE
              --client-rates NAME=RATE,...  each named client's request rate (20/s, 100/m,
                               1000/h) or daily quota (50000/d), or up to 4 at once
                               joined by + (20/s+50000/d, each window once): an OIDC
                               client's (oidc:AZP), or a key's whose line has none; 429
                               past any; the fleet's with --shared-state, else each
                               replica's (default: none)
                                                                  env TABSERVE_CLIENT_RATES
              --cors-origins ORIGIN,...  let browser pages of these origins call the JSON routes
                               (https://app.example.com,http://localhost:3000, or * alone:
                               any; never with cookies) (default: none, no CORS)
                                                                  env TABSERVE_CORS_ORIGINS
              --audit-log FILE  append a JSON line for each admin action, refused credential
                               and read of the API keys file or the issuer's keys (default:
                               off)                               env TABSERVE_AUDIT_LOG
              --shared-state redis://[USER:PASSWORD@]HOST:PORT  keep answers for labels,
                               clients' rates and the pages' sessions in this Redis, shared
                               by every replica, so that a label joins on any replica, the
                               live figures are the fleet's, a client's rate holds across the
                               fleet and a person signed in stays so on every replica
                               (default: each replica keeps its own; prefer the variable
                               when the URL has a password)       env TABSERVE_SHARED_STATE
              --otel-endpoint URL  trace answers (a span for each stage) to this OpenTelemetry
                               collector's OTLP/HTTP port, e.g. http://localhost:4318; 10 %
                               of requests, or as their traceparent says (default: off)
                                                                  env OTEL_EXPORTER_OTLP_ENDPOINT
              --drain-seconds S  on SIGTERM, answer 503 on /health/ready at once but go on
                               serving for S s, so that load balancers take the server out
                               before it stops (default 5; 0 = stop at once); SIGINT
                               (Ctrl-C) and a second signal stop at once, a signal during
                               the stop exits at once             env TABSERVE_DRAIN_SECONDS
              --grpc-port N    also serve gRPC on port N, HTTP/2 only, with threads of its
                               own: cheaper for one-at-a-time callers over TLS (default:
                               gRPC on --port only; 0 = any free port)   env TABSERVE_GRPC_PORT
              --probe-port N   also answer /health/live and /health/ready on port N, with
                               threads of their own, quick while --port is overloaded
                               (default: on --port only; 0 = any free port)  env TABSERVE_PROBE_PORT
              --tls-cert PEM --tls-key PEM  serve HTTPS (HTTP/1.1 and h2, gRPC too) on --port
                               and --grpc-port with this certificate chain and PKCS#8 key
                               (the key readable by this user alone)  env TABSERVE_TLS_CERT,
                                                                  TABSERVE_TLS_KEY
              --tls-client-ca PEM  ask every client for a certificate this CA signed; its CN
                               is the client of --api-keys' line NAME SCOPES -
                                                                  env TABSERVE_TLS_CLIENT_CA
              --help           print this and exit

            commands (no server; each lists its own options: java -jar tabserve.war card --help):
              card             give a model its card (statistics, metrics, examples, pictures) from a
                               labelled CSV, written into a copy of the model
              score            score a CSV with a model: its rows, then the label and probabilities
                               (or a regressor's value), as POST /predict_file answers in CSV
              log-csv          one model's rows from the prediction log as a CSV, to be labelled
                               and carded: what the model met in service

            the web app's limits (a 413 names the one it met): java -D<name>=N -jar ..., or the variable
              tabserve.max-body-bytes   largest JSON or form body (4 MiB)         env TABSERVE_MAX_BODY_BYTES
              tabserve.max-batch-rows   most rows in one JSON request (10000)     env TABSERVE_MAX_BATCH_ROWS
              tabserve.max-upload-bytes largest CSV upload (200 MiB)              env TABSERVE_MAX_UPLOAD_BYTES
              tabserve.max-csv-rows     most rows in one CSV upload (2000000)     env TABSERVE_MAX_CSV_ROWS
              tabserve.max-error-rows   most rows answered with errors (10000)    env TABSERVE_MAX_ERROR_ROWS
              memory for large requests: 40 % of the heap; raise it with java -Xmx...
            """;
}
