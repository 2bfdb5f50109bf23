package org.tabserve.rows.answerjson;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.tabserve.rows.field.JsonText;

/**
 * The text of a classifier's answer row without warnings around its probabilities, written once by the JSON
 * generator itself, so that {@link PredictionJson.Rows} writes a large answer's rows as one raw value each, with the
 * same bytes.
 *
 * <p>Why a second way of writing one answer shape is kept (issue 35 asked to lose it if the speed allowed): it is the
 * generator's own text, not a second writer's, replayed, and what it saves is per row, where an upload's answer
 * spends its time: a dozen generator calls per row became one raw value ({@code d09709e}: 1.96 to 1.87 us of server
 * CPU a row on {@code bench/csv-ab}, bench/RESULTS.md), and with {@link org.tabserve.model.answer.ChunkAnswers.Preparing}
 * the probabilities'
 * text is written on the scoring pool while the request thread writes. Its two guards are what keep it one writer:
 * the text is made by the same {@code writeStart} the call-by-call rows use, and {@code PredictionJson.Rows.fits}
 * falls back to those calls for a generator set to write otherwise (pretty, escaping more, numbers as strings).
 *
 * @param starts      per label: {@code {"label":…,"display_name":…,"probabilities":{"first class":}
 * @param classFields per class from the second: {@code ,"class":}
 * @param end         {@code },"warnings":[]}}
 */
record InRangeRowText(SerializableString[] starts, SerializableString[] classFields, SerializableString end) {

    /** Writes the start of an answer row of one label, up to its probabilities' object opened. */
    interface RowStart {
        void write(JsonGenerator json, int label) throws IOException;
    }

    /**
     * @param classNames the model's classes, in output order
     * @param start      how a row of each label starts, as the rows written call by call start
     * @return the text, or null when a name's bytes do not come back the same from text (or cannot be written)
     */
    static InRangeRowText of(SerializableString[] classNames, RowStart start, SerializableString warningsField) {
        try {
            SerializableString[] starts = new SerializableString[classNames.length];
            for (int label = 0; label < classNames.length; label++) {
                int at = label;
                starts[label] = written(json -> {
                    start.write(json, at);
                    json.writeFieldName(classNames[0]);
                });
                if (starts[label] == null) {
                    return null;
                }
            }
            SerializableString[] classFields = new SerializableString[classNames.length];
            for (int i = 1; i < classNames.length; i++) {
                int at = i;
                // The object's first field is written (and left out) so that this one is written after a comma.
                SerializableString both = written(json -> {
                    json.writeStartObject();
                    json.writeFieldName(classNames[0]);
                    json.writeRawValue("");
                    json.writeFieldName(classNames[at]);
                });
                SerializableString first = written(json -> {
                    json.writeStartObject();
                    json.writeFieldName(classNames[0]);
                });
                if (both == null || first == null) {
                    return null;
                }
                classFields[i] = new SerializedString(
                        both.getValue().substring(first.getValue().length()));
            }
            SerializableString end = new SerializedString("},\"" + warningsField.getValue() + "\":[]}");
            return new InRangeRowText(starts, classFields, end);
        } catch (IOException | RuntimeException e) {
            return null; // a name the generator refuses: the rows are written by its own calls, which say so
        }
    }

    /**
     * What {@code writing} writes inside an array, up to a value that would follow its last field name (whose
     * colon the generator writes with the value), as text; null when that text would not give back its bytes.
     */
    private static SerializableString written(Writing writing) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = JsonText.FACTORY.createGenerator(out)) {
            json.writeStartArray();
            writing.write(json);
            json.writeRawValue(""); // the colon after the last field name
            json.flush();
            byte[] bytes = Arrays.copyOfRange(out.toByteArray(), 1, out.size()); // the '[' left out
            String text = new String(bytes, StandardCharsets.UTF_8);
            return Arrays.equals(bytes, text.getBytes(StandardCharsets.UTF_8)) ? new SerializedString(text) : null;
        }
    }

    private interface Writing {
        void write(JsonGenerator json) throws IOException;
    }
}
