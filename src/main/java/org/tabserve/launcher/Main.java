package org.tabserve.launcher;

import static org.tabserve.launcher.JettyClassPath.CLASSES;
import static org.tabserve.launcher.JettyClassPath.LIB;
import static org.tabserve.launcher.JettyClassPath.LIB_JETTY;
import static org.tabserve.launcher.JettyClassPath.SERVER_CLASS;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Collator;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.tabserve.launcher.classpath.ClassPathBeside;
import org.tabserve.launcher.warcache.WarCache;
import org.tabserve.launcher.warcache.WarCacheNatives;

/**
 * The bootstrap of {@code java -jar tabserve.war}, at the WAR's root with {@link WarCache}: it has the WAR unpacked
 * once into the user's cache (or, without a usable one, copies the jars of {@code WEB-INF/lib-jetty/} to a temporary
 * directory as before), loads the jars of {@code WEB-INF/lib-jetty/} (Jetty, the servlet API and the launcher, which
 * no container reads) in a class loader of their own, unless the JVM's class path already holds exact copies of them
 * ({@link JettyClassPath}: the WAR exploded beside it by {@code mvn package}; with exact copies of the web app's classes
 * and libraries too, the web app takes them from there, parent first), and calls {@link EmbeddedServer}. For the command-line tools
 * ({@code card}, {@code score}) it loads the app's own {@code WEB-INF/classes} and {@code WEB-INF/lib} instead and
 * hands over to {@code org.tabserve.cli.Commands}. It uses only the JDK, speaks only on stderr and only when it cannot
 * start or may not use its cache.
 */
public final class Main {

    static final String COMMANDS_CLASS = "org.tabserve.cli.Commands";
    /** The first arguments that run a command-line tool instead of the server. */
    static final List<String> COMMANDS = List.of("card", "score", "log-csv");
    /**
     * Jetty's setting, read as a web app is made, that has the web app's class loader ask its parent first: set when
     * the JVM's class path holds exact copies of the web app's classes and libraries ({@link JettyClassPath}).
     */
    static final String PARENT_LOADER_PRIORITY = "org.eclipse.jetty.server.webapp.parentLoaderPriority";

    private Main() {}

    public static void main(String[] args) throws Exception {
        String given = System.getProperty(SecondJvm.WAR_PROPERTY); // set when this is the second JVM (SecondJvm)
        Path war;
        try {
            war = given != null
                    ? Path.of(given)
                    : Path.of(Main.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI());
        } catch (Exception e) {
            System.err.println("tabserve: cannot find the WAR this class was started from: " + e);
            System.exit(1);
            return;
        }
        if (given != null) {
            SecondJvm.deleteBootstrapAtExit(); // should the first JVM be killed before it can
        }
        boolean command = args.length > 0 && COMMANDS.contains(args[0]);
        ClassLoader loader = Main.class.getClassLoader();
        // First of all, before any look-up could reach the jars the WAR's manifest names beside it.
        int held = given != null ? JettyClassPath.NONE : classPathBeside(war, loader);
        if (held < 0) {
            System.exit(SecondJvm.run(war, args, !command));
            return;
        }
        localeDataAhead();
        // Unpacked once per WAR content and reused, ONNX Runtime's library with it; without a usable cache, a
        // temporary copy as before (deleted at exit).
        Optional<WarCache.Unpacked> cached =
                WarCache.open(war, System.getenv(), line -> System.err.println("tabserve: " + line));
        cached.flatMap(WarCache.Unpacked::ortNatives).ifPresent(natives -> {
            if (System.getProperty(WarCacheNatives.ORT_NATIVE_PATH) == null) { // an operator's own setting wins
                System.setProperty(WarCacheNatives.ORT_NATIVE_PATH, natives.toString());
            }
        });
        Path jars = null;
        if (cached.isEmpty()) {
            Path temporary = Files.createTempDirectory("tabserve-launcher");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> SecondJvm.deleteTree(temporary)));
            jars = temporary;
        }
        if (command) {
            // The tools run on the app's classes and libraries (ONNX Runtime among them), not on Jetty's.
            List<URL> app = cached.isPresent() ? appOf(cached.get().webapp()) : extractApp(war, jars);
            URLClassLoader tools = new URLClassLoader(app.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
            Thread.currentThread().setContextClassLoader(tools);
            tools.loadClass(COMMANDS_CLASS).getMethod("main", String[].class).invoke(null, (Object) args);
            return;
        }
        if (held == JettyClassPath.JETTY_AND_APP && System.getProperty(PARENT_LOADER_PRIORITY) == null) {
            // The web app's classes from the JVM's class loader, exact copies of its own: those an AppCDS archive
            // holds linked, lambdas and all, which Java 17 cannot do for Jetty's WebAppClassLoader.
            System.setProperty(PARENT_LOADER_PRIORITY, "true");
        }
        if (held == JettyClassPath.NONE) {
            List<URL> urls = cached.isPresent()
                    ? jarsIn(cached.get().webapp().resolve(LIB_JETTY))
                    : extractLauncherJars(war, jars);
            if (urls.isEmpty()) {
                System.err.println("tabserve: " + war + " has no " + LIB_JETTY + "; was it built with `mvn package`?");
                System.exit(1);
            }
            loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        }
        Thread.currentThread().setContextClassLoader(loader);
        Path webapp = cached.isPresent() ? cached.get().webapp() : war; // Jetty unpacks a WAR file itself
        loader.loadClass(SERVER_CLASS)
                .getMethod("main", String[].class, Path.class)
                .invoke(null, args, webapp);
    }

    /**
     * What of the WAR the JVM's own class path may be used for ({@link JettyClassPath}), or -1 when this JVM must not
     * go on: the jars the WAR's manifest names beside it are there but cannot be trusted ({@link ClassPathBeside}) or
     * are not the WAR's own copies, so they are on this JVM's class path for good and {@link SecondJvm} starts afresh
     * without them (said once here). With none of them there, the class path is closed to any made later.
     */
    static int classPathBeside(Path war, ClassLoader loader) {
        String why;
        try (JarFile jar = new JarFile(war.toFile())) {
            List<Path> named = JettyClassPath.named(war, jar.getManifest());
            if (named.isEmpty()) {
                return JettyClassPath.NONE;
            }
            Path folder = war.toAbsolutePath().getParent();
            why = ClassPathBeside.distrust(folder, named, ClassPathBeside.me()).orElse(null);
            if (why == null && !ClassPathBeside.anyThere(named)) {
                ClassPathBeside.closeTheClassPath(loader);
                return JettyClassPath.NONE;
            }
            if (why == null) {
                int held = JettyClassPath.of(war, jar, loader);
                if (held != JettyClassPath.NONE) {
                    return held;
                }
                why = "the jars beside it are not its own copies (another build's?)";
            }
        } catch (IOException | RuntimeException e) {
            why = "the jars beside it cannot be checked (" + e.getMessage() + ")";
        }
        System.err.println("tabserve: not using the jars that " + war.getFileName() + "'s manifest names beside it: "
                + why + "; starting a JVM of its own without them (a slower start)");
        return -1;
    }

    /**
     * Has the JDK's locale data that Jetty's start asks for ready on a thread of its own, while this thread checks the
     * WAR's cache and Jetty's classes load (bench/RESULTS.notes.md, "Start to ready (issue 53, item 4)"): the list of
     * every available locale, which Jetty's {@code MimeTypes} asks for as the {@code Server} is made (about 0.13 s of
     * the main thread's CPU, every locale provider listing its locales), and the English collation tables, with which
     * Jetty sorts the web app's jars and resources by name ({@code ResourceCollators}; the first call parses the
     * collation rules, which the thread giving the web app its 60 jars otherwise paid). The JDK keeps both for later
     * calls, which then only read or copy them.
     */
    static Thread localeDataAhead() {
        Thread thread = new Thread(
                () -> {
                    Locale.getAvailableLocales();
                    Collator.getInstance(Locale.ENGLISH);
                },
                "tabserve-locale-data-ahead");
        thread.setDaemon(true); // nothing waits for it: a call that comes first does the work itself
        thread.start();
        return thread;
    }

    /** The jars directly in {@code dir}, sorted by name (so the class path does not depend on the directory's order). */
    private static List<URL> jarsIn(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path jar : files.filter(p -> p.getFileName().toString().endsWith(".jar"))
                    .sorted()
                    .toList()) {
                urls.add(jar.toUri().toURL());
            }
        }
        return urls;
    }

    /** The unpacked web app's {@code WEB-INF/classes/} and the jars of {@code WEB-INF/lib/}, classes first. */
    private static List<URL> appOf(Path webapp) throws IOException {
        List<URL> urls = new ArrayList<>();
        urls.add(webapp.resolve(CLASSES).toUri().toURL());
        urls.addAll(jarsIn(webapp.resolve(LIB)));
        return urls;
    }

    private static List<URL> extractLauncherJars(Path war, Path target) throws IOException {
        List<URL> urls = new ArrayList<>();
        try (JarFile jar = new JarFile(war.toFile())) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                String name = entry.getName();
                if (name.startsWith(LIB_JETTY) && name.endsWith(".jar") && name.indexOf('/', LIB_JETTY.length()) < 0) {
                    Path file = target.resolve(name.substring(LIB_JETTY.length()));
                    try (InputStream in = jar.getInputStream(entry)) {
                        Files.copy(in, file);
                    }
                    urls.add(file.toUri().toURL());
                }
            }
        }
        return urls;
    }

    /** Copies {@code WEB-INF/classes/} and the jars of {@code WEB-INF/lib/} out of the WAR; their URLs, classes first. */
    private static List<URL> extractApp(Path war, Path target) throws IOException {
        List<URL> urls = new ArrayList<>();
        Path classes = Files.createDirectories(target.resolve("classes"));
        urls.add(classes.toUri().toURL()); // after it exists: only then does the URL end in '/', a directory's mark
        try (JarFile jar = new JarFile(war.toFile())) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                String name = entry.getName();
                Path file = null;
                if (name.startsWith(CLASSES) && !entry.isDirectory()) {
                    file = classes.resolve(name.substring(CLASSES.length())).normalize();
                    if (!file.startsWith(classes)) {
                        continue; // an entry that would land outside: not ours to copy
                    }
                    Files.createDirectories(file.getParent());
                } else if (name.startsWith(LIB) && name.endsWith(".jar") && name.indexOf('/', LIB.length()) < 0) {
                    file = target.resolve(name.substring(LIB.length()));
                    urls.add(file.toUri().toURL());
                }
                if (file != null) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        Files.copy(in, file);
                    }
                }
            }
        }
        return urls;
    }
}
