import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The hand-written floor of issue 25: what a user would write instead of tabserve to serve the bank-note model as
 * JSON. Embedded Jetty, one servlet on POST /api/predict, Jackson's {@code readTree} of the body, the four fields into
 * one float[1][4] tensor, one ONNX Runtime session with one intra-op thread, and {@code Map.of(label, probabilities)}
 * written by Jackson (the probabilities are the model's output named {@code probabilities}, or its one output: the bundled
 * model's; the label is the likelier class). No validation, no metrics, no access log. The same server runs issue 53's
 * tree model (bench/pods --model trees: one float [N, 4] input, zipmap off) on ONNX Runtime. Run by bench/run and
 * bench/pods with the WAR's Jetty
 * (WEB-INF/lib-jetty), Jackson and ONNX Runtime (WEB-INF/lib) on the class path:
 * {@code java -cp JARS bench/HandWrittenServer.java PORT [model.onnx]}.
 */
public final class HandWrittenServer {

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String modelFile = args.length > 1 ? args[1] : "model.onnx";
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        OrtSession session = env.createSession(modelFile, options);
        String input = session.getInputNames().iterator().next();
        int output = Math.max(0, List.copyOf(session.getOutputNames()).indexOf("probabilities"));
        ObjectMapper json = new ObjectMapper();

        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(
                new HttpServlet() {
                    @Override
                    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
                        JsonNode row = json.readTree(request.getInputStream());
                        float[][] features = {
                            {
                                (float) row.get("variance").asDouble(),
                                        (float) row.get("skewness").asDouble(),
                                (float) row.get("curtosis").asDouble(),
                                        (float) row.get("entropy").asDouble()
                            }
                        };
                        try (OnnxTensor tensor = OnnxTensor.createTensor(env, features);
                                OrtSession.Result result = session.run(Map.of(input, tensor))) {
                            float[] probabilities =
                                    ((float[][]) result.get(output).getValue())[0];
                            int label = 0;
                            for (int i = 1; i < probabilities.length; i++) {
                                label = probabilities[i] > probabilities[label] ? i : label;
                            }
                            response.setContentType("application/json");
                            json.writeValue(
                                    response.getOutputStream(), Map.of("label", label, "probabilities", probabilities));
                        } catch (ai.onnxruntime.OrtException e) {
                            throw new IOException(e);
                        }
                    }
                },
                "/api/predict");
        server.setHandler(context);
        server.start();
        System.out.println("floor: listening on http://127.0.0.1:" + connector.getLocalPort() + "/ (input " + input
                + ", outputs " + session.getOutputNames() + ")");
        server.join();
    }
}
