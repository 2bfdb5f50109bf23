package org.tabserve.model.signature;

/**
 * The heap one row of a model call holds while the call runs, over-estimated from the signature alone, for a caller
 * that must know a call's memory before it makes it (an explanation's chunks of mixed rows): the row as a
 * {@link Batch} holds it (4 or 8 bytes a number cell, a reference a text cell, whose string is shared), a text cell's
 * copy for its tensor, a plain graph's working arrays (every batch of a model plain Java runs is run there), the outputs as read back from the runtime (the probabilities' floats, a label's string, a
 * ZipMap's map of boxed entries), the probabilities as doubles, and the {@link Prediction} kept (a boxed probability a
 * class). Number inputs go to the runtime through direct buffers, off the heap. Figures per object of a 64-bit JVM with
 * compressed pointers, rounded up; {@code CallHeapTest} holds them above what real calls allocate.
 */
public final class CallHeap {

    /** A row's own share of the arrays and lists a call makes: its batch slot, its prediction, the lists' slots. */
    static final long ROW = 96;
    /** Per class: a float as read, a double, a boxed Double and its slot in the prediction's list. */
    static final long PER_CLASS = 64;
    /** Per class of a ZipMap read as maps: a map entry, its boxed float and its key. */
    static final long PER_ZIPMAP_CLASS = 120;
    /** A label read back as text, a string of its own per row, or a regressor's value as read and as a double. */
    static final long LABEL = 64;
    /**
     * Per input cell run in plain Java, whose working arrays are on the heap (ONNX Runtime's are not): the cell as a
     * float twice on its way to the estimator (its cast or scaled copy, and the concatenated row), 4 bytes each.
     */
    static final long PLAIN_CELL = 8;

    /**
     * What a call holds whatever its rows: the bound tensors' wrappers, the result's map, the lists' headers, a plain
     * graph's working arrays for a small call; {@code CallHeapTest} holds one-row calls under it (at most 3.7 KB
     * a call of the exporter's fixtures).
     */
    public static final long PER_CALL = 16 * 1024;

    private CallHeap() {}

    /**
     * Per class of a call whose answers are read from its columns ({@link PredictionColumns}) and whose rows'
     * {@link Prediction}s are never made (an explanation's calls): a float as read and a double.
     */
    static final long PER_CLASS_READ = 16;

    /** @return the heap one row of a call to a model of this signature holds, over-estimated */
    public static long perRow(ModelSignature signature) {
        return perRow(signature, PER_CLASS);
    }

    /**
     * @return the heap one row of a call to a model of this signature holds when the call's answers are read from its
     *         columns ({@link PredictionColumns#of}) and no row's {@link Prediction} is made, as an explanation's calls
     *         are read, over-estimated: {@link #perRow} without the boxed probabilities
     */
    public static long perColumnsRow(ModelSignature signature) {
        return perRow(signature, PER_CLASS_READ);
    }

    private static long perRow(ModelSignature signature, long perClass) {
        long cells = 0;
        for (ModelInput input : signature.inputs()) {
            cells += (long) input.width()
                    * (PLAIN_CELL
                            + switch (input.type()) {
                                case FLOAT, INT32 -> 4;
                                case DOUBLE, INT64 -> 8;
                                case STRING -> 8; // the batch's reference and the tensor's copy of it
                                case BOOL -> 1;
                            });
        }
        int classes = signature.classLabels().size();
        long outputs = LABEL + perClass * classes;
        if (signature.outputKind() == OutputKind.LABEL_AND_ZIPMAP) {
            outputs += PER_ZIPMAP_CLASS * classes + 64;
        }
        return ROW + cells + outputs;
    }
}
