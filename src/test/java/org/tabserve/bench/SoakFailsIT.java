package org.tabserve.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code bench/soak}'s verdict can fail: a soak whose answers get another status than expected ends FAIL, naming the
 * first. Apart from {@link SoakIT}, whose memory verdict runs alone after the other ITs, since this one judges no
 * memory and can run beside them.
 */
class SoakFailsIT {

    @Test
    void theSoakFailsWhenAnAnswerHasAnotherStatusThanExpected() throws Exception {
        // Pointing the v2 requests at a model the server does not serve turns their expected 200 and 400 into 404s.
        SoakIT.Run run = SoakIT.soak(
                Map.of("SOAK_MODEL", "not-the-served-model", "SOAK_OUT", "target/soak-failing"),
                "--seconds",
                "4",
                "--warmup",
                "1");
        assertEquals(1, run.exit(), run::output);
        assertTrue(run.output().contains("soak: FAIL"), run::output);
        assertTrue(run.number(SoakIT.CHECKED, 2) > 0, run::output);
        assertTrue(
                run.output().contains("soak: first unexpected: POST /v2/models/not-the-served-model/infer"),
                run::output);
    }
}
