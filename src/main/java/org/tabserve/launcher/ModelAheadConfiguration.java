package org.tabserve.launcher;

import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.ee.webapp.WebAppClassLoader;
import org.eclipse.jetty.ee10.webapp.AbstractConfiguration;
import org.eclipse.jetty.ee10.webapp.MetaInfConfiguration;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.ee10.webapp.WebInfConfiguration;
import org.eclipse.jetty.ee10.webapp.WebXmlConfiguration;
import org.eclipse.jetty.util.resource.Resource;
import org.eclipse.jetty.util.resource.Resources;

/**
 * Loads the one model while Jetty is still configuring the web app (scanning its jars, parsing its descriptors), so
 * that a start waits for the longer of the two rather than for their sum (bench/RESULTS.notes.md, "Issue 38, goal 5").
 *
 * <p>It runs first among Jetty's configurations once the web app's directory is known and its class loader exists:
 * it starts a thread that gives that class loader {@code WEB-INF/classes/} and {@code WEB-INF/lib/} (as Jetty's
 * {@link WebInfConfiguration} does a little later; the same entries again change nothing), then calls the web app's
 * {@value #APP_CLASS}{@code .load(Path)} by name (the launcher imports none of the app's classes) and leaves its
 * result, or what stopped it, in the context attribute {@value #ATTRIBUTE} as a {@link CompletableFuture}, a JDK
 * type. The app's listener takes it if it is for the file the app serves, and otherwise loads that file itself as
 * before; a failure of the model is carried in the result and reported by the listener in the same words as ever.
 */
final class ModelAheadConfiguration extends AbstractConfiguration {

    /** The web app's class whose {@code load(Path)} the thread calls. */
    static final String APP_CLASS = "org.tabserve.repository.ModelAhead";
    /** The context attribute holding the load's {@code CompletableFuture<Object>}. */
    static final String ATTRIBUTE = "tabserve.model.ahead";
    /** The bundled model, under the web app's {@code WEB-INF/}. */
    private static final String BUNDLED_MODEL = "model.onnx";

    /** The model to load: {@code --model}'s file, made absolute; empty for the bundled one. */
    private final Optional<Path> model;

    /** @param model {@code --model}'s file, absolute, or empty for the model bundled in the WAR */
    ModelAheadConfiguration(Optional<Path> model) {
        super(new Builder()
                .addDependencies(WebInfConfiguration.class)
                .addDependents(WebXmlConfiguration.class, MetaInfConfiguration.class));
        this.model = model;
    }

    @Override
    public void preConfigure(WebAppContext context) throws Exception {
        if (!(context.getClassLoader() instanceof WebAppClassLoader loader)) {
            return; // a class loader of someone else's making: the app loads its model itself
        }
        Resource webInf = context.getWebInf();
        if (webInf == null) {
            return;
        }
        Path file = model.orElse(null);
        if (file == null) {
            Resource bundled = webInf.resolve(BUNDLED_MODEL);
            file = Resources.isReadableFile(bundled) ? bundled.getPath() : null;
        }
        if (file == null) {
            return; // no file here to load: the app reports what is missing, as before
        }
        CompletableFuture<Object> loaded = new CompletableFuture<>();
        context.setAttribute(ATTRIBUTE, loaded);
        Path chosen = file;
        Thread thread = new Thread(() -> loaded(loader, webInf, chosen, loaded), "tabserve-model-ahead");
        thread.setDaemon(true); // a start that fails (a port in use) exits without waiting for it
        thread.setContextClassLoader(loader); // as on Jetty's thread while it initialises the app
        thread.start();
    }

    /** The thread's work: the app's class path, then the app's load of {@code file}, into {@code loaded}. */
    private static void loaded(WebAppClassLoader loader, Resource webInf, Path file, CompletableFuture<Object> loaded) {
        try {
            Resource classes = webInf.resolve("classes/");
            if (Resources.isReadableDirectory(classes)) {
                loader.addClassPath(classes);
            }
            Resource lib = webInf.resolve("lib/");
            if (Resources.isReadableDirectory(lib)) {
                loader.addJars(lib);
            }
            loaded.complete(
                    loader.loadClass(APP_CLASS).getMethod("load", Path.class).invoke(null, file));
        } catch (InvocationTargetException e) {
            loaded.completeExceptionally(e.getCause());
        } catch (Throwable e) { // whatever it is, the app's listener loads the model itself and meets it there
            loaded.completeExceptionally(e);
        }
    }
}
