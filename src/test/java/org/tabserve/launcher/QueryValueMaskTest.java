package org.tabserve.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The access log masks what the prediction log masks: the values of {@code --prediction-log-mask}'s columns in a
 * request's query and in its Referer, however the name is encoded, on lines as Jetty's extended NCSA format writes
 * them; the flag (or its environment variable) reaches the launcher's options.
 */
class QueryValueMaskTest {

    private static final String LINE =
            "127.0.0.1 - - [24/Nov/2026:23:10:00 +0000] \"GET %s HTTP/1.1\" 200 412 \"%s\"" + " \"curl/7.88.1\"";

    private static String line(String target, String referer) {
        return String.format(LINE, target, referer);
    }

    @Test
    void theValuesOfMaskedParametersAreReplacedInTheRequestLineAndTheReferer() {
        QueryValueMask mask = new QueryValueMask(Set.of("sex", "embarked"));
        assertEquals(
                line("/predict?pclass=3&sex=(masked)&age=22&embarked=(masked)", "http://host/predict?sex=(masked)#top"),
                mask.apply(
                        line("/predict?pclass=3&sex=female&age=22&embarked=S", "http://host/predict?sex=female#top")));
        assertEquals(
                line("/models/t/predict?s%65x=(masked)&sex=(masked)&sexy=1", "-"),
                mask.apply(line("/models/t/predict?s%65x=fe%20male&sex=a+b&sexy=1", "-")),
                "names compared decoded");
        assertEquals(
                line("/predict?sex=&age=1", "-"),
                mask.apply(line("/predict?sex=&age=1", "-")),
                "an empty value has nothing to hide");
    }

    @Test
    void withoutAMaskALineIsLeftAsItIs() {
        String line = line("/predict?sex=female", "-");
        assertEquals(line, new QueryValueMask(Set.of()).apply(line));
        assertEquals(line, new QueryValueMask(Set.of("age")).apply(line));
    }

    @Test
    void theMaskComesFromTheFlagElseTheEnvironmentAsTheAppReadsIt() throws Exception {
        Map<String, String> env = Map.of("TABSERVE_PREDICTION_LOG_MASK", "name, email");
        assertEquals(
                Set.of("name", "email"),
                LauncherArguments.parse(new String[0], env).accessLogMask());
        assertEquals(
                Set.of("sex", "embarked"),
                LauncherArguments.parse(
                                new String[] {"--prediction-log", "d", "--prediction-log-mask", "sex,embarked"}, env)
                        .accessLogMask());
        assertEquals(Set.of(), LauncherArguments.parse(new String[0], Map.of()).accessLogMask());
    }
}
