package org.tabserve.rows.answer;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import org.tabserve.model.conformal.Uncertainty;

/**
 * Writes how sure an answer is ({@link Uncertainty}) as the fields of its row's JSON object, each part called by
 * {@link PredictionJson}'s loop over the described fields: a regressor's
 * {@code "interval": {"lower", "upper", "coverage"}} (and {@code "clipped": true} when an end was brought in to the
 * target range the card saw), a classifier's {@code "prediction_set": [labels]} and
 * {@code "coverage"}, and, when the card can tell, {@code "novelty": {"p_value", "novel"}}.
 */
public final class UncertaintyJson {

    /** The regressor's interval. */
    public static final String INTERVAL = "interval";
    /** Within the interval, present (true) when an end was clipped to the card's target range. */
    public static final String CLIPPED = "clipped";
    /** The classifier's prediction set. */
    public static final String PREDICTION_SET = "prediction_set";
    /** The row's novelty. */
    public static final String NOVELTY = "novelty";

    private UncertaintyJson() {}

    /** Writes a regressor's interval, with its coverage (and whether an end was clipped), into the open row. */
    static void interval(JsonGenerator json, Uncertainty uncertainty) throws IOException {
        json.writeObjectFieldStart(INTERVAL);
        json.writeNumberField("lower", uncertainty.interval().lower());
        json.writeNumberField("upper", uncertainty.interval().upper());
        json.writeNumberField(CoverageField.NAME, uncertainty.coverage());
        if (uncertainty.interval().clipped()) {
            json.writeBooleanField(CLIPPED, true);
        }
        json.writeEndObject();
    }

    /** Writes a classifier's prediction set into the open row. */
    static void predictionSet(JsonGenerator json, Uncertainty uncertainty) throws IOException {
        json.writeArrayFieldStart(PREDICTION_SET);
        for (String label : uncertainty.predictionSet()) {
            json.writeString(label);
        }
        json.writeEndArray();
    }

    /** Writes a row's novelty into the open row. */
    static void novelty(JsonGenerator json, Uncertainty.RowNovelty novelty) throws IOException {
        json.writeObjectFieldStart(NOVELTY);
        json.writeNumberField("p_value", novelty.pValue());
        json.writeBooleanField("novel", novelty.novel());
        json.writeEndObject();
    }
}
