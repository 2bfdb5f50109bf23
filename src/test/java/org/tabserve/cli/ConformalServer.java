package org.tabserve.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.tabserve.launcher.TabserveServer;

/**
 * A JUnit extension that hands a test class's {@code TabserveServer} parameter the test JVM's one in-process server
 * of the conformal cards ({@link ConformalCards#serve}, the plain bundled model beside them): started by the first
 * class that asks, closed when the JVM's tests end, where each class started its own (seven classes; now one start
 * per fork). Its classes only read: they score and read answers, cards and figures, and change no model.
 */
public final class ConformalServer implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(ConformalServer.class);

    /** The server and its folder, both gone when the JVM's tests end. */
    private record Held(TabserveServer server, Path dir) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            try {
                server.close();
            } finally {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder())
                            .forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TabserveServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(Held.class, key -> start(), Held.class)
                .server();
    }

    private static Held start() {
        try {
            Path dir = Files.createTempDirectory("conformal-server");
            return new Held(ConformalCards.serve(dir, true), dir);
        } catch (Exception e) {
            throw new IllegalStateException("the conformal cards' server did not start", e);
        }
    }
}
