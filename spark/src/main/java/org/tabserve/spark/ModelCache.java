package org.tabserve.spark;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.tabserve.model.Model;
import org.tabserve.model.explain.Explainer;
import org.tabserve.model.loading.ModelLoader;

/**
 * The models of one JVM (an executor, or the driver), by the SHA-256 of their bytes: the first task that needs a model
 * loads its bytes once, through the core's one loader ({@link ModelLoader#load(byte[], String)}: an ONNX file, an
 * XGBoost JSON or UBJSON file, a LightGBM text file, an MLflow model directory's bundle), and every later task and partition of the JVM scores with that
 * one model (for ONNX, its one ONNX Runtime session).
 */
public final class ModelCache {

    private static final Map<String, Model> MODELS = new ConcurrentHashMap<>();
    private static final Map<String, Explainer> EXPLAINERS = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    private ModelCache() {}

    /**
     * @param sha256   the model's {@link #sha256}
     * @param fileName the name of the model's file (the model's name where the file names none)
     * @param bytes    the model's bytes (a broadcast's value), read only when this JVM has not loaded it yet
     */
    public static Model model(String sha256, String fileName, Supplier<byte[]> bytes) {
        return MODELS.computeIfAbsent(sha256, key -> load(key, fileName, bytes.get()));
    }

    /**
     * A session of its own for one partition, never shared, which the caller closes: what SynapseML's ONNXModel does,
     * for the benchmark's comparison ({@link TabserveModel#sessionPerPartition()}).
     */
    public static Model unshared(String sha256, String fileName, byte[] bytes) {
        return load(sha256, fileName, bytes);
    }

    /**
     * The JVM's one explainer of a model it loaded, against the card's background, as the server's: it computes the
     * background's answers once.
     */
    public static Explainer explainer(String sha256, Model model) {
        return EXPLAINERS.computeIfAbsent(
                sha256, key -> new Explainer(model, model.card().background(), true));
    }

    /** @return how many models this JVM has loaded */
    public static int loaded() {
        return MODELS.size();
    }

    /** @return how many sessions this JVM has made, shared or not: each load of a model's bytes counts */
    public static int loads() {
        return LOADS.get();
    }

    private static Model load(String sha256, String fileName, byte[] bytes) {
        LOADS.incrementAndGet();
        Model model = ModelLoader.load(bytes, fileName);
        System.err.println("tabserve-spark: loaded model " + sha256 + " in JVM "
                + ProcessHandle.current().pid());
        return model;
    }

    /** @return the SHA-256 of {@code bytes}, in hex */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
