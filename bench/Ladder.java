import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.FilterMapping;
import org.eclipse.jetty.ee10.servlet.ServletHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.tabserve.launcher.EmbeddedServer;
import org.tabserve.launcher.LauncherOptions;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.Prediction;
import org.tabserve.web.http.Json;

/**
 * One rung of bench/ladder's cost ladder: tabserve's own server (EmbeddedServer.create on the WAR, so the same
 * handlers, web.xml, security constraints and error pages) with a bench-only servlet at {@code /ladder} added from
 * here, and with as much of tabserve's per-request work left on as the rung says. Filters are left out by removing
 * their mappings through Jetty's ServletHandler after start; the access log by not setting it. Nothing in src/main
 * knows about this. Usage: {@code java -cp ... bench/Ladder.java PORT RUNG WAR} with RUNG one of {@link #RUNGS}.
 */
public final class Ladder {

    /** Rung name → the filters it keeps (tabserve's registration names), whether it logs, and what /ladder does. */
    record Rung(Set<String> filters, boolean accessLog, String work) {}

    private static final Set<String> ALL =
            Set.of("metrics", "security-headers", "concurrency-limit", "request-encoding");

    static final Map<String, Rung> RUNGS = Map.of(
            "webapp", new Rung(Set.of(), false, "bare"),
            "metrics", new Rung(Set.of("metrics"), false, "bare"),
            "headers", new Rung(Set.of("metrics", "security-headers"), false, "bare"),
            "filters", new Rung(ALL, false, "bare"),
            "log", new Rung(ALL, true, "bare"),
            "parse", new Rung(ALL, true, "parse"),
            "model", new Rung(ALL, true, "model"),
            "real", new Rung(ALL, true, "bare")); // wrk drives /api/predict itself on this one

    /** The answer of the bare rungs: the size of tabserve's single-row answer, as BareServer's. */
    private static final byte[] BODY = ("{\"label\":\"0\",\"display_name\":\"genuine\",\"probabilities\":"
                    + "{\"0\":0.9973388910293579,\"1\":0.002661044942215085},\"warnings\":[]}")
            .getBytes(StandardCharsets.UTF_8);

    private static final List<String> FIELDS = List.of("variance", "skewness", "curtosis", "entropy");

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Rung rung = RUNGS.get(args[1]);
        if (rung == null) {
            throw new IllegalArgumentException("rung " + args[1] + " is not one of " + RUNGS.keySet());
        }
        Path war = Path.of(args[2]);
        LauncherOptions options =
                new LauncherOptions("127.0.0.1", port, java.util.Optional.empty(), false); // the defaults
        Server server = EmbeddedServer.create(options, war);
        if (!rung.accessLog()) {
            server.setRequestLog(null);
        }
        WebAppContext webapp = server.getDescendant(WebAppContext.class);
        // tabserve's classes, ORT's included, come from this JVM's class path, so that the bench servlet below can call
        // the model (ORT's native library loads once per JVM, in one class loader).
        webapp.setParentLoaderPriority(true);
        Model model = rung.work().equals("model")
                ? OnnxModelLoader.load(Path.of("target/tabserve/WEB-INF/model.onnx"))
                : null;
        webapp.getServletHandler()
                .addServletWithMapping(new ServletHolder(new BenchServlet(rung.work(), model)), "/ladder");
        server.start();
        ServletHandler handler = webapp.getServletHandler();
        handler.setFilterMappings(Arrays.stream(handler.getFilterMappings())
                .filter(m -> rung.filters().contains(m.getFilterName()))
                .toArray(FilterMapping[]::new));
        System.out.println("ladder: rung " + args[1] + " serving on http://127.0.0.1:" + port + "/ with filters "
                + Arrays.stream(handler.getFilterMappings())
                        .map(FilterMapping::getFilterName)
                        .toList()
                + (rung.accessLog() ? " and the access log" : ", no access log"));
        System.out.flush();
        server.join();
    }

    /** The bench-only servlet: reads the body, optionally parses it and runs the model, answers a fixed body. */
    static final class BenchServlet extends HttpServlet {
        private final transient String work;
        private final transient Model model;

        BenchServlet(String work, Model model) {
            this.work = work;
            this.model = model;
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if (work.equals("bare")) {
                request.getInputStream().readAllBytes();
            } else {
                double[] row = parse(request.getInputStream());
                if (model != null) {
                    Prediction prediction = model.predict(row);
                    if (prediction == null) {
                        throw new IllegalStateException("no prediction");
                    }
                }
            }
            response.setContentType("application/json");
            response.setContentLength(BODY.length);
            response.getOutputStream().write(BODY);
        }

        /** One JSON row into the model's columns with tabserve's Jackson factory (a stand-in for JsonRowsParser). */
        private static double[] parse(InputStream body) throws IOException {
            double[] row = new double[FIELDS.size()];
            try (JsonParser parser = Json.FACTORY.createParser(body)) {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    throw new IOException("not an object");
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    int column = FIELDS.indexOf(parser.currentName());
                    parser.nextToken();
                    if (column < 0) {
                        parser.skipChildren();
                    } else {
                        row[column] = parser.getDoubleValue();
                    }
                }
            }
            return row;
        }
    }
}
