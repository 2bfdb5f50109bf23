package org.tabserve.model.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;

/**
 * The process's one ONNX Runtime environment, which every model's session is opened in: made once, on a thread with
 * a stack deep enough for ONNX Runtime's start-up and under ONNX Runtime's own class loader.
 */
final class OnnxEnvironment {

    private static final System.Logger LOG = System.getLogger(OnnxEnvironment.class.getName());
    /** Room for ONNX Runtime's environment creation, whose depth grows with the command line's length (about 256 bytes
     *  a character): 64 MB, reserved and not touched beyond what it uses, holds a 250,000-character command line. */
    private static final long ENVIRONMENT_STACK_BYTES = 64L << 20;
    /** The environment, once {@link #get()} has made it. */
    private static OrtEnvironment environment;

    private OnnxEnvironment() {}

    /**
     * The process's one ONNX Runtime environment. The first call creates it and registers a shutdown hook thread,
     * which inherits the calling thread's context class loader; it is created under ONNX Runtime's own loader so
     * that, when ONNX Runtime is shared by the container (lib/ext), the hook does not keep this web app's class
     * loader alive after an undeploy.
     *
     * <p>It is created on a thread of its own with a large stack: ONNX Runtime 1.29's environment creation reads
     * {@code /proc/self/cmdline} and recurses to a depth that grows with its length, so on a 1 MB stack (a Java
     * thread's default: the main thread of {@code java -jar} or of Jetty, which load the first model) a command line
     * of about 4 KB, a Jetty base's class path under long paths or a few long {@code -D} options, ended the JVM with
     * SIGSEGV and no report (bench/RESULTS.notes.md, "Issue 25, goal 5"). That thread is made once: later calls
     * (every model load) return the environment it made.
     */
    static synchronized OrtEnvironment get() {
        if (environment == null) {
            environment = createdEnvironment();
        }
        return environment;
    }

    /** Creates the environment on a thread of its own (see {@link #get()}), telemetry off. */
    private static OrtEnvironment createdEnvironment() {
        OrtEnvironment[] created = new OrtEnvironment[1];
        Throwable[] failed = new Throwable[1];
        Thread creator = new Thread(
                null,
                () -> {
                    try {
                        created[0] = OrtEnvironment.getEnvironment();
                    } catch (RuntimeException
                            | Error e) { // the native library's failures included: the caller reports them
                        failed[0] = e;
                    }
                },
                "tabserve-onnxruntime-environment",
                ENVIRONMENT_STACK_BYTES);
        creator.setContextClassLoader(OrtEnvironment.class.getClassLoader());
        creator.start();
        try {
            creator.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while ONNX Runtime's environment was created", e);
        }
        if (failed[0] instanceof Error error) {
            throw error;
        } else if (failed[0] != null) {
            throw (RuntimeException) failed[0];
        }
        OrtEnvironment env = created[0];
        try {
            env.setTelemetry(false);
        } catch (OrtException e) {
            LOG.log(System.Logger.Level.DEBUG, "ONNX Runtime telemetry could not be switched off", e);
        }
        return env;
    }
}
