package org.tabserve.model.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import org.tabserve.model.signature.ModelException;

/**
 * Opens the ONNX Runtime sessions of one file's load with tabserve's session options, and puts what ONNX Runtime says
 * when it refuses that file in words for its callers (the whole message goes to the log).
 */
final class SessionOpener {

    private final String source;
    private final int intraOpThreads;
    private final OrtEnvironment env;
    /** The loader's: what one load says stays under one logger's name, which operators and tests filter by. */
    private final System.Logger log;

    SessionOpener(String source, int intraOpThreads, OrtEnvironment env, System.Logger log) {
        this.source = source;
        this.intraOpThreads = intraOpThreads;
        this.env = env;
        this.log = log;
    }

    /** A session whose graph also outputs its ZipMap's tensor; the file's own graph if ONNX Runtime refuses that. */
    OrtSession openExposing(ZipMapProbabilities zipMapTensor, ByteBuffer bytes) {
        try {
            return open(zipMapTensor.exposedIn(bytes));
        } catch (ModelException | java.io.UncheckedIOException e) {
            log.log(
                    System.Logger.Level.DEBUG,
                    "{0}: its ZipMap''s tensor cannot be an output; its maps are read",
                    source);
            return open(bytes);
        }
    }

    /** A session that logs only errors: what ONNX Runtime would warn of on every call is said once ({@link DeclaredShapes}). */
    OrtSession open(ByteBuffer graph) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setSessionLogLevel(DeclaredShapes.SESSION_LOG_LEVEL);
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return env.createSession(graph.duplicate(), options);
        } catch (OrtException e) {
            throw ModelException.unusable(source, "not a valid ONNX model (" + inWords(e) + ")", e);
        }
    }

    /**
     * ONNX Runtime's reason in words for a message that anonymous callers may see; its whole message, with its
     * source paths, goes to the log (its Java stack, which ends in the native call, only at DEBUG: a bad model is
     * the operator's news, not a server fault, and the launcher's refusal stays one line).
     */
    String inWords(OrtException e) {
        log.log(System.Logger.Level.INFO, source + ": ONNX Runtime says: " + e.getMessage());
        log.log(System.Logger.Level.DEBUG, source + ": where ONNX Runtime said it", e);
        return OrtMessages.inWords(e);
    }
}
