import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The hostile half of bench/chaos: clients that swap the served model through {@code POST /admin/model} every
 * second or so, upload CSV files that fail late (a header, 60,000 good rows, then a bad one), hang up after reading a
 * little of the answer to a large upload (JSON and CSV answers), and make a few concurrent 300,000-row uploads that
 * must be answered in full. Every answer is checked against the statuses its kind may get (503 is always allowed:
 * the server may refuse work it has no room for); anything else, a 5xx other than 503, a 200 whose body stops short,
 * or a connection the server broke is counted as unexpected.
 *
 * <p>Plain sockets, so that a client can hang up at the exact point it wants (with a reset, as a killed browser
 * would). Run as {@code java bench/ChaosClient.java URL TOKEN MODEL.onnx [--flag value]...}; prints one line per kind
 * and status and a verdict line {@code chaos-client: unexpected N}.
 */
public final class ChaosClient {

    private static final String HEADER = "variance,skewness,curtosis,entropy\n";
    /** The bytes of an answer a hanging-up client reads before it hangs up. */
    private static final long HANG_UP_AFTER = 16 * 1024;
    /** How long past the run's end a client may go on to make its minimum. */
    private static final long EXTRA_SECONDS = 60;

    /**
     * While this file exists (bench/chaos's {@code --min-answers}: the soak mix still short of its answers), every
     * client goes on past the run's end, for at most {@link #EXTRA_SECONDS}; named by {@code CHAOS_GO_ON_FILE}.
     */
    private static final Path GO_ON = Path.of(System.getenv().getOrDefault("CHAOS_GO_ON_FILE", "/nonexistent/go-on"));

    private final String host;
    private final int port;
    private final String token;
    private final byte[] model;
    private final long seconds;
    /** When the clients stop: {@link #seconds} after their bodies are made (set before their threads start). */
    private long deadline;

    /** "kind status" → count; status is a number, or "io-error" when no answer could be read. */
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    private final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    private final AtomicLong unexpectedCount = new AtomicLong();
    private final AtomicLong hangUps = new AtomicLong();
    private final AtomicLong swaps = new AtomicLong();

    private ChaosClient(String url, String token, byte[] model, long seconds) {
        String authority = url.replaceFirst("^http://", "").replaceFirst("/.*$", "");
        this.host = authority.substring(0, authority.lastIndexOf(':'));
        this.port = Integer.parseInt(authority.substring(authority.lastIndexOf(':') + 1));
        this.token = token;
        this.model = model;
        this.seconds = seconds;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: java bench/ChaosClient.java URL TOKEN MODEL.onnx [--seconds N] [--swap-ms N]"
                    + " [--late N] [--hangup N] [--big N] [--big-pause-ms N] [--hangup-rows N] [--late-rows N]"
                    + " [--min-hangups N]");
            System.exit(2);
        }
        Map<String, Long> o = new TreeMap<>(Map.of(
                "seconds",
                60L,
                "swap-ms",
                1000L,
                "late",
                2L,
                "hangup",
                2L,
                "big",
                2L,
                "big-pause-ms",
                3000L,
                "hangup-rows",
                100_000L,
                "late-rows",
                60_000L,
                "big-rows",
                300_000L,
                "min-hangups",
                0L));
        for (int i = 3; i < args.length; i += 2) {
            String name = args[i].replaceFirst("^--", "");
            if (!o.containsKey(name) || i + 1 >= args.length) {
                System.err.println("chaos-client: unknown flag or missing value: " + args[i]);
                System.exit(2);
            }
            o.put(name, Long.parseLong(args[i + 1]));
        }
        ChaosClient chaos = new ChaosClient(args[0], args[1], Files.readAllBytes(Path.of(args[2])), o.get("seconds"));
        // The figures are printed at the end, and also when bench/chaos stops the client early (the server died).
        Runtime.getRuntime().addShutdownHook(new Thread(chaos::report));
        chaos.run(o);
    }

    private void run(Map<String, Long> o) throws InterruptedException {
        byte[] late = upload(rows(o.get("late-rows").intValue(), 1) + "1,2,three,4\n" + rows(1000, 2));
        int hangupRows = o.get("hangup-rows").intValue();
        byte[] hangup = upload(rows(hangupRows, 3));
        int bigRows = o.get("big-rows").intValue();
        byte[] big = upload(rows(bigRows, 4));
        // The run's clock starts once the bodies are made (seconds of CPU on a loaded machine), and bench/chaos starts
        // the soak mix when it reads this line: every client has the whole run, however long the making took.
        deadline = System.nanoTime() + seconds * 1_000_000_000L;
        System.out.println("chaos-client: ready");
        System.out.flush();
        List<Thread> threads = new ArrayList<>();
        threads.add(loop("swap", n -> {
            swap();
            pause(o.get("swap-ms"));
        }));
        for (int t = 0; t < o.get("late"); t++) {
            threads.add(loop("late-fail", n -> lateFailure(late, n % 2 == 0 ? "json" : "csv")));
        }
        // Hang-ups go on past the run's end (for at most EXTRA_SECONDS) until --min-hangups were made: how many fit in
        // the run depends on how fast a loaded machine answers, the least that a verdict needs does not.
        long minHangups = o.get("min-hangups");
        for (int t = 0; t < o.get("hangup"); t++) {
            int offset = t;
            threads.add(loop(
                    "hang-up",
                    n -> hangUp(hangup, (n + offset) % 2 == 0 ? "json" : "csv"),
                    () -> hangUps.get() < minHangups));
        }
        for (int t = 0; t < o.get("big"); t++) {
            int offset = t;
            threads.add(loop("big", n -> {
                bigUpload(big, bigRows, (n + offset) % 2 == 0 ? "json" : "csv");
                pause(o.get("big-pause-ms"));
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }

    /** One step of a client's loop; {@code n} counts its steps. */
    private interface Step {
        void run(long n) throws Exception;
    }

    private Thread loop(String name, Step step) {
        return loop(name, step, () -> false);
    }

    private static boolean mixGoesOn() {
        return Files.exists(GO_ON);
    }

    /** A client's loop until the run's end, or after it (for at most {@link #EXTRA_SECONDS}) while {@code more}. */
    private Thread loop(String name, Step step, BooleanSupplier more) {
        long last = deadline + EXTRA_SECONDS * 1_000_000_000L;
        Thread thread = new Thread(
                () -> {
                    for (long n = 0;
                            System.nanoTime() < deadline
                                    || ((more.getAsBoolean() || mixGoesOn()) && System.nanoTime() < last);
                            n++) {
                        try {
                            step.run(n);
                        } catch (InterruptedException e) {
                            return;
                        } catch (Exception e) {
                            unexpected(name, "io-error", e.toString());
                            sleepQuietly(200); // a dead server refuses at once: do not spin
                        }
                    }
                },
                name);
        thread.setDaemon(true); // so that a stopped client ends at once
        thread.start();
        return thread;
    }

    private void swap() throws IOException {
        Answer answer = exchange(
                "POST",
                "/admin/model",
                "application/octet-stream",
                model,
                "Authorization: Bearer " + token + "\r\n",
                Long.MAX_VALUE);
        count("swap", answer.status);
        if (answer.status == 200 && answer.text.contains("\"swapped\"")) {
            swaps.incrementAndGet();
        } else if (answer.status == 200) {
            unexpected("swap", "200", "an answer without \"swapped\": " + answer.text);
        } else if (answer.status != 503) {
            unexpected("swap", Integer.toString(answer.status), answer.text);
        }
    }

    private void lateFailure(byte[] body, String format) throws IOException {
        Answer answer = exchange("POST", "/predict_file?format=" + format, multipartType(), body, "", Long.MAX_VALUE);
        String kind = "late-fail-" + format;
        count(kind, answer.status);
        if (answer.status != 400 && answer.status != 503) {
            unexpected(kind, Integer.toString(answer.status), answer.text);
        }
    }

    private void hangUp(byte[] body, String format) throws IOException {
        String kind = "hang-up-" + format;
        Answer answer = exchange("POST", "/predict_file?format=" + format, multipartType(), body, "", HANG_UP_AFTER);
        count(kind, answer.status);
        if (answer.status == 200 && answer.bytes >= HANG_UP_AFTER) {
            hangUps.incrementAndGet(); // the client read its 16 KB and hung up mid-answer
        } else if (answer.status == 200) {
            unexpected(
                    kind,
                    "200",
                    "the answer stopped short before the client hung up (" + answer.bytes + " bytes,"
                            + " framing complete " + answer.complete + ")");
        } else if (answer.status != 503) {
            unexpected(kind, Integer.toString(answer.status), answer.text);
        }
    }

    private void bigUpload(byte[] body, int rows, String format) throws IOException {
        String kind = "big-" + format;
        Answer answer = exchange("POST", "/predict_file?format=" + format, multipartType(), body, "", Long.MAX_VALUE);
        count(kind, answer.status);
        if (answer.status == 200) {
            String tail = answer.tail().strip();
            // a JSON answer ends with its predictions' array, then the request-level fields it carries
            boolean whole = answer.complete
                    && (format.equals("csv")
                            ? answer.lines == rows + 1
                            : tail.matches("(?s).*\\](,\"[a-z0-9_]+\":(\"[^\"]*\"|\\d+))*\\}"));
            if (!whole) {
                unexpected(
                        kind,
                        "200",
                        "the answer stopped short (" + answer.bytes + " bytes, " + answer.lines
                                + " lines, framing complete " + answer.complete + ", ends with '" + tail + "')");
            }
        } else if (answer.status != 503) {
            unexpected(kind, Integer.toString(answer.status), answer.text);
        }
    }

    /** What was read of an answer. */
    private record Answer(int status, String text, long bytes, long lines, byte[] last, boolean complete) {
        String tail() {
            return new String(last, StandardCharsets.UTF_8);
        }
    }

    /**
     * Sends one request on a new connection and reads the answer, at most {@code keep} bytes of its body: past that
     * the client hangs up with a reset (SO_LINGER 0), as a killed client does.
     */
    private Answer exchange(String method, String target, String type, byte[] body, String extraHeaders, long keep)
            throws IOException {
        Socket socket = new Socket(host, port);
        try {
            socket.setSoTimeout(120_000);
            OutputStream out = socket.getOutputStream();
            String head = method + " " + target + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nContent-Type: "
                    + type + "\r\nContent-Length: " + body.length + "\r\n" + extraHeaders + "Connection: close\r\n\r\n";
            IOException sending = null;
            try {
                out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                for (int at = 0; at < body.length; at += 65536) {
                    out.write(body, at, Math.min(65536, body.length - at));
                }
                out.flush();
            } catch (IOException e) {
                sending = e; // the server may have answered early (e.g. 503) and closed: read what it said
            }
            InputStream in = new BufferedInputStream(socket.getInputStream(), 65536);
            String statusLine;
            try {
                statusLine = line(in);
            } catch (IOException e) {
                if (sending != null) {
                    e.addSuppressed(sending);
                }
                throw e;
            }
            if (statusLine == null || !statusLine.startsWith("HTTP/1.")) {
                throw new IOException("no status line (" + statusLine + ")"
                        + (sending == null ? "" : ", sending failed: " + sending));
            }
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            boolean chunked = false;
            long length = -1;
            for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
                String lower = h.toLowerCase(Locale.ROOT);
                if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(h.substring(h.indexOf(':') + 1).strip());
                }
            }
            Body sink = new Body(keep);
            boolean complete;
            try {
                complete = chunked ? readChunked(in, sink) : readPlain(in, sink, length);
            } catch (IOException e) {
                complete = false; // a body the server cut: the caller sees an incomplete answer
            }
            return new Answer(status, sink.text(), sink.bytes, sink.lines, sink.last(), complete);
        } finally {
            if (keep != Long.MAX_VALUE) {
                socket.setSoLinger(true, 0);
            }
            socket.close();
        }
    }

    /** Counts a body's bytes and lines, keeps its start (for messages) and its last bytes; stops at {@code keep}. */
    private static final class Body {
        final long keep;
        final ByteArrayOutputStream start = new ByteArrayOutputStream();
        final byte[] ring = new byte[128];
        long bytes;
        long lines;

        Body(long keep) {
            this.keep = keep;
        }

        /** @return false once enough is read */
        boolean add(byte[] b, int n) {
            if (start.size() < 400) {
                start.write(b, 0, Math.min(n, 400 - start.size()));
            }
            for (int i = 0; i < n; i++) {
                if (b[i] == '\n') {
                    lines++;
                }
                ring[(int) ((bytes + i) % ring.length)] = b[i];
            }
            bytes += n;
            return bytes < keep;
        }

        byte[] last() {
            int n = (int) Math.min(bytes, ring.length);
            byte[] out = new byte[n];
            for (int i = 0; i < n; i++) {
                out[i] = ring[(int) ((bytes - n + i) % ring.length)];
            }
            return out;
        }

        String text() {
            return start.toString(StandardCharsets.UTF_8).replace('\n', ' ');
        }
    }

    private static boolean readPlain(InputStream in, Body sink, long length) throws IOException {
        byte[] buffer = new byte[65536];
        long left = length < 0 ? Long.MAX_VALUE : length;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                return length < 0;
            }
            left -= n;
            if (!sink.add(buffer, n)) {
                return false;
            }
        }
        return true;
    }

    private static boolean readChunked(InputStream in, Body sink) throws IOException {
        byte[] buffer = new byte[65536];
        while (true) {
            String size = line(in);
            if (size == null) {
                return false;
            }
            long left = Long.parseLong(size.split(";")[0].strip(), 16);
            if (left == 0) {
                return true;
            }
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    return false;
                }
                left -= n;
                if (!sink.add(buffer, n)) {
                    return false;
                }
            }
            line(in); // the CRLF after the chunk
        }
    }

    /** One CRLF-ended line without its end, or null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                return s.length() == 0 ? null : s.toString();
            }
            if (c != '\r') {
                s.append((char) c);
            }
        }
        return s.toString();
    }

    private static final String BOUNDARY = "chaos0123456789";

    private static String multipartType() {
        return "multipart/form-data; boundary=" + BOUNDARY;
    }

    private static byte[] upload(String csv) {
        return ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"notes.csv\"\r\n"
                        + "Content-Type: text/csv\r\n\r\n" + csv + "\r\n--" + BOUNDARY + "--\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A header and {@code n} valid rows (values within the training ranges), varied by {@code seed}. */
    private static String rows(int n, int seed) {
        StringBuilder s = new StringBuilder(HEADER.length() + n * 32).append(HEADER);
        for (int i = 0; i < n; i++) {
            int k = i * 7 + seed;
            s.append(String.format(
                    Locale.ROOT,
                    "%.4f,%.4f,%.4f,%.4f\n",
                    (k % 13) - 6.5,
                    (k % 7) * 2 - 6.0,
                    (k % 5) * 3 - 5.0,
                    (k % 3) - 1.5));
        }
        return s.toString();
    }

    private void count(String kind, int status) {
        counts.computeIfAbsent(kind + " " + status, k -> new AtomicLong()).incrementAndGet();
    }

    private void unexpected(String kind, String status, String what) {
        counts.computeIfAbsent(kind + " " + status, k -> new AtomicLong());
        if (status.equals("io-error")) {
            counts.get(kind + " " + status).incrementAndGet();
        }
        unexpectedCount.incrementAndGet();
        if (unexpected.size() < 5) {
            String line = kind + " " + status + ": " + (what.length() > 300 ? what.substring(0, 300) : what);
            unexpected.add(line);
            System.out.println("chaos-client: example of unexpected: " + line);
            System.out.flush();
        }
    }

    private synchronized void report() {
        new TreeMap<>(counts).forEach((k, v) -> System.out.println("chaos-client: answers " + k + " " + v.get()));
        System.out.println("chaos-client: swaps " + swaps.get() + " hang-ups " + hangUps.get());
        System.out.println("chaos-client: unexpected " + unexpectedCount.get());
    }

    /** Sleeps {@code ms}, or less when the run ends sooner. */
    private void pause(long ms) throws InterruptedException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left > 0) {
            Thread.sleep(Math.min(ms, left));
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
