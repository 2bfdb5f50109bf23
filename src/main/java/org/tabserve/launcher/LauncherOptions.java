package org.tabserve.launcher;

import java.util.Map;
import java.util.Optional;

/**
 * The launcher's settings from flags and environment, a flag winning over its variable: {@code --port}
 * ({@code TABSERVE_PORT}, default 8080), {@code --host} ({@code TABSERVE_HOST}, default 127.0.0.1),
 * {@code --model} ({@code TABSERVE_MODEL}, default the model inside the WAR) and {@code --help}.
 *
 * @param host  the interface to listen on
 * @param port  the port (0 picks a free one)
 * @param model the ONNX model to serve instead of the bundled one
 * @param help  whether to print usage and exit
 */
public record LauncherOptions(String host, int port, Optional<String> model, boolean help) {

    /** Environment variable for the port. */
    public static final String PORT_VARIABLE = "TABSERVE_PORT";
    /** Environment variable for the host. */
    public static final String HOST_VARIABLE = "TABSERVE_HOST";
    /** Environment variable for the model path; the web app reads the same one inside any container. */
    public static final String MODEL_VARIABLE = "TABSERVE_MODEL";

    static final String USAGE = """
            usage: java -jar tabserve.war [--port N] [--host ADDRESS] [--model FILE.onnx] [--help]
              --port N         port to listen on (default 8080, 0 = any free port)    env TABSERVE_PORT
              --host ADDRESS   interface to listen on (default 127.0.0.1; 0.0.0.0 = all) env TABSERVE_HOST
              --model FILE     ONNX classifier to serve (default: the model in the WAR) env TABSERVE_MODEL
              --help           print this and exit
            """;

    /** Thrown for arguments that make no sense, with the line to print. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static LauncherOptions parse(String[] args, Map<String, String> environment) throws UsageException {
        String host = environment.getOrDefault(HOST_VARIABLE, "127.0.0.1");
        String port = environment.getOrDefault(PORT_VARIABLE, "8080");
        String model = environment.get(MODEL_VARIABLE);
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            switch (name) {
                case "--help", "-h" -> help = true;
                case "--port", "--host", "--model" -> {
                    String value;
                    if (arg.contains("=")) {
                        value = arg.substring(arg.indexOf('=') + 1);
                    } else if (i + 1 < args.length) {
                        value = args[++i];
                    } else {
                        throw new UsageException(name + " needs a value");
                    }
                    switch (name) {
                        case "--port" -> port = value;
                        case "--host" -> host = value;
                        default -> model = value;
                    }
                }
                default -> throw new UsageException("unknown argument '" + arg + "'");
            }
        }
        int portNumber;
        try {
            portNumber = Integer.parseInt(port.strip());
        } catch (NumberFormatException e) {
            throw new UsageException("port must be a number from 0 to 65535, got '" + port + "'");
        }
        if (portNumber < 0 || portNumber > 65535) {
            throw new UsageException("port must be a number from 0 to 65535, got " + portNumber);
        }
        Optional<String> modelPath = Optional.ofNullable(model).map(String::strip).filter(m -> !m.isEmpty());
        return new LauncherOptions(host.strip(), portNumber, modelPath, help);
    }
}
