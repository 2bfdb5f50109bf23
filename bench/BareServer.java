import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The benchmark's baseline: the same embedded Jetty as tabserve with one servlet that reads the request body and
 * answers a fixed JSON body. By default the body has the size of a tabserve single-row prediction; {@code ?bytes=N}
 * asks for a body of N bytes, so that bench/run can match the size of each tabserve answer it compares with.
 * Run by bench/run with the jars of the WAR's WEB-INF/lib-jetty on the class path.
 */
public final class BareServer {

    private static final byte[] BODY = ("{\"label\":\"0\",\"display_name\":\"genuine\",\"probabilities\":"
                    + "{\"0\":0.9973388910293579,\"1\":0.002661044942215085},\"warnings\":[]}")
            .getBytes(StandardCharsets.UTF_8);

    private static final ConcurrentMap<Integer, byte[]> SIZED = new ConcurrentHashMap<>();

    private static byte[] body(String query) {
        if (query == null || !query.startsWith("bytes=")) {
            return BODY;
        }
        int size = Integer.parseInt(query.substring("bytes=".length()).split("&")[0]);
        return SIZED.computeIfAbsent(size, n -> {
            byte[] bytes = new byte[n];
            Arrays.fill(bytes, (byte) ' ');
            bytes[0] = '{';
            bytes[n - 1] = '}';
            return bytes;
        });
    }

    public static void main(String[] args) throws Exception {
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(Integer.parseInt(args[0]));
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(
                new HttpServlet() {
                    @Override
                    protected void service(HttpServletRequest request, HttpServletResponse response)
                            throws IOException {
                        request.getInputStream().readAllBytes();
                        byte[] body = body(request.getQueryString());
                        response.setContentType("application/json");
                        response.setContentLength(body.length);
                        response.getOutputStream().write(body);
                    }
                },
                "/*");
        server.setHandler(context);
        server.start();
        System.out.println("baseline: listening on http://127.0.0.1:" + connector.getLocalPort() + "/");
        server.join();
    }
}
