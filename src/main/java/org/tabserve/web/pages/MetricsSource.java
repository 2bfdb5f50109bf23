package org.tabserve.web.pages;

import com.fasterxml.jackson.databind.JsonNode;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.card.ModelCard;
import org.tabserve.web.http.Json;

/**
 * Whether a card's metrics (and so its calibration curve, which estimated accuracy reads: CBPE) were measured on the
 * rows the card was made from, which may be the training rows: {@code card} without {@code --eval} records
 * {@code "held_out": false} in them ({@link CardKeys#METRICS_HELD_OUT}); a card without the key says nothing either
 * way.
 */
final class MetricsSource {

    private MetricsSource() {}

    /** @return whether the card says its metrics were measured on its data rather than on held-out rows */
    static boolean trainingRows(ModelCard card) {
        String metrics = card.metadata().get(CardKeys.METRICS);
        if (metrics == null) {
            return false;
        }
        try {
            JsonNode heldOut = Json.MAPPER.readTree(metrics).path(CardKeys.METRICS_HELD_OUT);
            return heldOut.isBoolean() && !heldOut.asBoolean();
        } catch (java.io.IOException e) {
            return false; // the card's reader already refused a card whose metrics are not JSON
        }
    }
}
