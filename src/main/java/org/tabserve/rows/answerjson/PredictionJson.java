package org.tabserve.rows.answerjson;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.NumberOutput;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.tabserve.model.answer.AnswerField;
import org.tabserve.model.answer.AnswerSource;
import org.tabserve.model.answer.AnsweredRow;
import org.tabserve.model.answer.AnsweredRows;
import org.tabserve.model.answer.FieldValue;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.FeatureStats;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.RangeWarning;
import org.tabserve.rows.field.JsonText;
import org.tabserve.rows.field.RowWarnings;

/**
 * Writes predictions as JSON, streaming: a classifier's {@code {"label", "display_name", "probabilities": {label: p},
 * "warnings": [{"feature", "message"}]}} or a regressor's {@code {"value", "warnings"}} for one row,
 * {@code {"predictions": [...]}} for a batch. {@code warnings} lists the values outside the training range and the
 * categories the model has not seen (empty when there are none; {@link WarningsJson} writes them).
 */
public final class PredictionJson {

    /** The key of the model version that answered, in an answer under a canary rollout. */
    public static final String MODEL_VERSION = "model_version";
    // Field names encoded once: an answer of many rows writes each of them once per row.
    private static final SerializableString LABEL = new SerializedString("label");
    private static final SerializableString DISPLAY_NAME = new SerializedString("display_name");
    private static final SerializableString PROBABILITIES = new SerializedString("probabilities");
    private static final SerializableString VALUE = new SerializedString("value");

    private PredictionJson() {}

    /**
     * One model's class labels and display names, encoded once, and its training ranges in feature order, for an
     * answer of many rows: per row, then, no name is escaped or looked up again and a row in range builds no list.
     */
    public static final class Rows {
        private final ModelCard card;
        private final List<String> features;
        private final FeatureStats[] stats;
        private final List<String> classes;
        private final SerializableString[] classNames;
        private final SerializableString[] displayNames;
        /**
         * The bytes of a classifier's row without warnings around its probabilities, as the generator writes them
         * ({@link #writeInRange}), encoded once this many rows have been written: a small batch never pays for it.
         */
        private static final int ENCODE_AFTER_ROWS = 32;
        /** How {@link #probabilityTexts} writes numbers: as the answers' generators do. */
        private static final boolean FAST_TEXTS = JsonText.FACTORY.isEnabled(StreamWriteFeature.USE_FAST_DOUBLE_WRITER);

        private InRangeRowText inRange;
        private boolean inRangeTried;
        private int written;

        public Rows(ModelSignature signature, ModelCard card) {
            this.card = card;
            this.features = signature.featureNames();
            this.stats = new FeatureStats[features.size()];
            for (int i = 0; i < stats.length; i++) {
                stats[i] = card.featureStats().get(features.get(i));
            }
            this.classes = signature.classLabels();
            this.classNames = new SerializableString[classes.size()];
            this.displayNames = new SerializableString[classes.size()];
            for (int i = 0; i < classNames.length; i++) {
                classNames[i] = new SerializedString(classes.get(i));
                displayNames[i] = new SerializedString(card.displayName(classes.get(i)));
            }
        }

        /** {@link PredictionJson#write}, with the names encoded once. */
        public void write(JsonGenerator json, Prediction prediction, List<RangeWarning> warnings) throws IOException {
            write(json, prediction, warnings, null, 0, null, 0);
        }

        /** Row {@code row} of {@code scored}, with what the request asked for beside its prediction. */
        public void write(JsonGenerator json, AnsweredRows scored, int row, List<RangeWarning> warnings)
                throws IOException {
            write(json, scored.prediction(row), warnings, scored, row, null, 0);
        }

        /**
         * {@link #write(JsonGenerator, AnsweredRows, int, List)} with the row's probabilities already written as text
         * ({@link #probabilityTexts}, made on another thread, say).
         *
         * @param texts the texts of a chunk's rows, or null to write the numbers here
         * @param at    where this row's texts start among them
         */
        public void write(
                JsonGenerator json, AnsweredRows scored, int row, List<RangeWarning> warnings, String[] texts, int at)
                throws IOException {
            write(json, scored.prediction(row), warnings, scored, row, texts, at);
        }

        /**
         * The probabilities of {@code predictions}' rows as {@link JsonGenerator#writeNumber(double)} writes them
         * for {@link JsonText#FACTORY}'s generators, the model's classes per row one after the other ({@code null}
         * for a row that is not a classifier's or a number that is not finite), for
         * {@link #write(JsonGenerator, AnsweredRows, int, List, String[], int)}: the largest part of writing a row.
         */
        public String[] probabilityTexts(List<Prediction> predictions) {
            int width = classNames.length;
            String[] texts = new String[predictions.size() * width];
            for (int r = 0; r < predictions.size(); r++) {
                if (predictions.get(r) instanceof Prediction.Classification classification
                        && classification.probabilities().size() == width) {
                    for (int i = 0; i < width; i++) {
                        double p = classification.probabilities().get(i);
                        texts[r * width + i] = Double.isFinite(p) ? NumberOutput.toString(p, FAST_TEXTS) : null;
                    }
                }
            }
            return texts;
        }

        /** @return the model's classes: a row's texts among {@link #probabilityTexts} */
        public int classCount() {
            return classNames.length;
        }

        /** Bytes of heap {@link #probabilityTexts} holds per row at most: a string of up to 24 characters per class. */
        public int probabilityTextBytes() {
            return classNames.length * (8 + 24 + 16 + 24);
        }

        private void write(
                JsonGenerator json,
                Prediction prediction,
                List<RangeWarning> warnings,
                AnsweredRows scored,
                int row,
                String[] texts,
                int at)
                throws IOException {
            if (!(prediction instanceof Prediction.Classification classification)) {
                PredictionJson.write(json, prediction, card, warnings, scored, row, null, null);
                return;
            }
            int label = classes.indexOf(classification.label());
            if (label < 0
                    || !(classification.classes() == classes
                            || classification.classes().equals(classes))) {
                // not this model's classes: nothing to reuse
                PredictionJson.write(json, prediction, card, warnings, scored, row, null, null);
                return;
            }
            if ((scored == null || !scored.hasExtras(row))
                    && warnings.isEmpty()
                    && writeInRange(json, label, classification, texts, at)) {
                return;
            }
            writeStart(json, label);
            List<Double> probabilities = classification.probabilities();
            for (int i = 0; i < classNames.length; i++) {
                json.writeFieldName(classNames[i]);
                json.writeNumber(probabilities.get(i).doubleValue());
            }
            json.writeEndObject();
            WarningsJson.write(json, warnings);
            writeExtras(json, scored, row);
            json.writeEndObject();
        }

        /**
         * Writes a row's start, up to its probabilities' object opened: for the row written call by call, and once per
         * label into {@link InRangeRowText}'s encoded text, so that both write the same fields.
         */
        private void writeStart(JsonGenerator json, int label) throws IOException {
            json.writeStartObject();
            json.writeFieldName(LABEL);
            json.writeString(classNames[label]);
            json.writeFieldName(DISPLAY_NAME);
            json.writeString(displayNames[label]);
            json.writeFieldName(PROBABILITIES);
            json.writeStartObject();
        }

        /**
         * Writes a classifier's row without warnings as the generator's own calls in {@link #write} would, byte for
         * byte, from the row's text encoded once and its probabilities written as
         * {@link JsonGenerator#writeNumber(double)} writes them: one raw value for the generator, instead of a dozen
         * calls per row of a large answer.
         *
         * @return false, having written nothing, where that would not be the same bytes: a probability that is not
         *         finite, or a generator set to write otherwise (pretty, escaping more, numbers as strings)
         */
        private boolean writeInRange(
                JsonGenerator json, int label, Prediction.Classification classification, String[] texts, int at)
                throws IOException {
            if (inRange == null) {
                // Rows that share one Rows across threads (the prediction log's) may encode it twice: no harm done.
                if (inRangeTried || ++written < ENCODE_AFTER_ROWS) {
                    return false;
                }
                inRangeTried = true;
                inRange = InRangeRowText.of(classNames, this::writeStart, WarningsJson.WARNINGS);
                if (inRange == null) {
                    return false;
                }
            }
            if (!fits(json)) {
                return false;
            }
            List<Double> probabilities = classification.probabilities();
            for (int i = 0; i < classNames.length; i++) {
                if (!Double.isFinite(probabilities.get(i))) {
                    return false;
                }
            }
            boolean fast = json.isEnabled(StreamWriteFeature.USE_FAST_DOUBLE_WRITER);
            boolean given = texts != null && fast == FAST_TEXTS;
            json.writeRawValue(inRange.starts()[label]);
            for (int i = 0; i < classNames.length; i++) {
                if (i > 0) {
                    json.writeRaw(inRange.classFields()[i]);
                }
                json.writeRaw(given ? texts[at + i] : NumberOutput.toString(probabilities.get(i), fast));
            }
            json.writeRaw(inRange.end());
            return true;
        }

        /** Whether {@code json} writes as the generator that encoded the row's text: compact, escaping the usual. */
        private static boolean fits(JsonGenerator json) {
            return json.getPrettyPrinter() == null
                    && json.getCharacterEscapes() == null
                    && json.getHighestEscapedChar() == 0
                    && !json.isEnabled(JsonGenerator.Feature.ESCAPE_NON_ASCII)
                    && !json.isEnabled(JsonGenerator.Feature.WRITE_NUMBERS_AS_STRINGS);
        }

        /** {@link RowWarnings#warnings(ModelCard, Batch, int, double[])}, without a list for a row in range. */
        public List<RangeWarning> warnings(Batch batch, int row, double[] numbers) {
            for (int i = 0; i < stats.length && i < numbers.length; i++) {
                if (stats[i] != null && !Double.isNaN(numbers[i]) && !stats[i].contains(numbers[i])) {
                    return RowWarnings.warnings(card, batch, row, numbers);
                }
            }
            return batch.warnings(row);
        }

        /** {@link RowWarnings#warnings(ModelCard, Batch, int, Object[])}, without a list for a row in range. */
        public List<RangeWarning> warnings(Batch batch, int row, Object[] sent) {
            for (int i = 0; i < stats.length && i < sent.length; i++) {
                if (stats[i] != null
                        && sent[i] instanceof Number number
                        && !Double.isNaN(number.doubleValue())
                        && !stats[i].contains(number.doubleValue())) {
                    return RowWarnings.warnings(card, batch, row, sent);
                }
            }
            return batch.warnings(row);
        }
    }

    /**
     * The fields a row's object opens with, which {@link Rows} writes with names and numbers encoded once (and
     * {@link InRangeRowText}'s bytes hold); a bad row's object is its problems alone, in its place
     * ({@link RowErrorsJson}).
     */
    private static final Set<AnswerField> WRITTEN_APART = EnumSet.of(
            AnswerField.LABEL,
            AnswerField.DISPLAY_NAME,
            AnswerField.PROBABILITIES,
            AnswerField.VALUE,
            AnswerField.WARNINGS,
            AnswerField.ERRORS);

    /**
     * What a request asked for beside a row's prediction, in every JSON answer: each other described field the row
     * carries ({@link AnswerField#value}), under its key, written by its type ({@link FieldJson}); a regressor's
     * coverage is within its interval. Nothing for a row of no scored rows (a log's).
     */
    static void writeExtras(JsonGenerator json, AnsweredRows scored, int row) throws IOException {
        if (scored == null || !scored.hasExtras(row)) { // a plain row (most): no field to look at
            return;
        }
        AnsweredRow.Scored answered = scored.row(row);
        for (AnswerField field : AnswerField.values()) {
            if (WRITTEN_APART.contains(field)
                    || (field == AnswerField.COVERAGE
                            && answered.uncertainty() != null
                            && answered.uncertainty().interval() != null)) {
                continue;
            }
            FieldValue value = field.value(answered);
            if (value != null) {
                FieldJson.writeField(json, field.key(), value);
            }
        }
    }

    public static void write(JsonGenerator json, Prediction prediction, ModelCard card, List<RangeWarning> warnings)
            throws IOException {
        write(json, prediction, card, warnings, null, 0, null, null);
    }

    /**
     * A lone row's answer: row {@code row} of {@code scored} with what the request asked for beside its prediction
     * ({@link #writeExtras}), under {@link #PROBABILITIES_NOTE} what the probabilities are when tabserve made them
     * ({@link ModelSignature#probabilityNote()}, when not null), and the request-level fields its body carries
     * ({@link SourceJson}; none for a null source).
     */
    public static void write(
            JsonGenerator json,
            AnsweredRows scored,
            int row,
            ModelCard card,
            List<RangeWarning> warnings,
            String note,
            AnswerSource source)
            throws IOException {
        write(json, scored.prediction(row), card, warnings, scored, row, note, source);
    }

    private static void write(
            JsonGenerator json,
            Prediction prediction,
            ModelCard card,
            List<RangeWarning> warnings,
            AnsweredRows scored,
            int row,
            String note,
            AnswerSource source)
            throws IOException {
        json.writeStartObject();
        if (prediction instanceof Prediction.Regression regression) {
            json.writeFieldName(VALUE);
            json.writeNumber(regression.value());
        } else {
            Prediction.Classification classification = (Prediction.Classification) prediction;
            json.writeFieldName(LABEL);
            json.writeString(classification.label());
            json.writeFieldName(DISPLAY_NAME);
            json.writeString(card.displayName(classification.label()));
            json.writeFieldName(PROBABILITIES);
            json.writeStartObject();
            List<String> classes = classification.classes();
            for (int i = 0; i < classes.size(); i++) {
                json.writeNumberField(
                        classes.get(i), classification.probabilities().get(i));
            }
            json.writeEndObject();
            if (note != null) {
                json.writeStringField(PROBABILITIES_NOTE, note);
            }
        }
        WarningsJson.write(json, warnings);
        writeExtras(json, scored, row);
        SourceJson.write(json, source);
        json.writeEndObject();
    }

    /**
     * The key of the sentence that says the probabilities are tabserve's normalisation of the model's scores: in a lone
     * row's answer beside them, once at the top of a batch's.
     */
    public static final String PROBABILITIES_NOTE = "probabilities_note";

    /** Writes a batch answer's {@link #PROBABILITIES_NOTE}, once, when the model's probabilities are tabserve's. */
    public static void writeProbabilityNote(JsonGenerator json, ModelSignature signature) throws IOException {
        if (signature.probabilityNote() != null) {
            json.writeStringField(PROBABILITIES_NOTE, signature.probabilityNote());
        }
    }
}
