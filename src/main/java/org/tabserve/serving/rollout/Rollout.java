package org.tabserve.serving.rollout;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import org.tabserve.repository.ModelVersion;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.JsonText;
import org.tabserve.rows.field.RowsException;
import org.tabserve.serving.budget.ServingException;

/**
 * A model's rollout as configured, in {@code rollout.json} beside its versions or through the admin API, with the
 * same JSON either way: which version answers unversioned requests ({@code serving}, set by a promote or a rollback;
 * else the highest ready version the rollout does not name), a {@code shadow} that scores a share of the same rows
 * off the answer's path, and a {@code canary} that answers a percent of unversioned requests; after a promote,
 * {@code promoted_from} keeps the version it replaced, so that a rollback on any replica, or after a restart, can undo
 * it. Parsed strictly: an unknown key or a bad value is refused naming the field, so that a rollout is never silently
 * ignored.
 *
 * @param serving      the version pinned to answer unversioned requests, if one is
 * @param shadow       the shadow, if there is one
 * @param canary       the canary, if there is one
 * @param promotedFrom the version that served before a promote pinned {@code serving}, if this rollout is that
 *                     promote's; not a version the rollout needs ready (it may be removed once the promote holds)
 */
public record Rollout(
        OptionalLong serving, Optional<Shadow> shadow, Optional<Canary> canary, OptionalLong promotedFrom) {

    /** No rollout: the highest ready version answers, as without one. */
    public static final Rollout NONE = new Rollout(OptionalLong.empty(), Optional.empty(), Optional.empty());

    /** A rollout that no promote made. */
    public Rollout(OptionalLong serving, Optional<Shadow> shadow, Optional<Canary> canary) {
        this(serving, shadow, canary, OptionalLong.empty());
    }

    /** @return the rollout a promote leaves: {@code candidate} pinned, {@code before} kept for a rollback */
    static Rollout promoted(long candidate, OptionalLong before) {
        return new Rollout(OptionalLong.of(candidate), Optional.empty(), Optional.empty(), before);
    }

    /** The longest rollout JSON read, from a file or a body: a few keys need far less. */
    public static final int MAX_BYTES = 4096;

    /**
     * A version that scores the rows the answering version scored, compared with it and never answering.
     *
     * @param version the shadow version
     * @param sample  the share of requests whose rows it scores, in (0, 1]
     */
    public record Shadow(long version, double sample) {}

    /**
     * A version that answers a share of unversioned requests.
     *
     * @param version the candidate version
     * @param percent the percent of unversioned requests it answers, in [0, 100]
     * @param sample  the share of requests whose rows both versions score for the comparison, in [0, 1]
     */
    public record Canary(long version, double percent, double sample) {

        /**
         * Whether the canary answers the request with this id: a stable hash of the id, so that a retry with the same
         * {@code X-Request-Id} lands on the same version; a random draw for a request without one.
         *
         * @param requestId the caller's request id, or null
         */
        public boolean answers(String requestId) {
            long point = requestId == null ? ThreadLocalRandom.current().nextLong(BUCKETS) : bucket(requestId);
            return point < Math.round(percent * (BUCKETS / 100.0));
        }

        /** @return the percent as JSON shows it: a whole number without a fraction */
        public Number percentShown() {
            return percent == Math.rint(percent) ? (Number) (long) percent : (Number) percent;
        }

        /** Buckets an id falls in: hundredths of a percent. */
        private static final long BUCKETS = 10_000;

        /** FNV-1a over the id's UTF-16 units, then a 64-bit finalizer, so that ids differing in one place spread. */
        static long bucket(String requestId) {
            long hash = 0xcbf29ce484222325L;
            for (int i = 0; i < requestId.length(); i++) {
                hash = (hash ^ requestId.charAt(i)) * 0x100000001b3L;
            }
            hash ^= hash >>> 33;
            hash *= 0xff51afd7ed558ccdL;
            hash ^= hash >>> 33;
            return Math.floorMod(hash, BUCKETS);
        }
    }

    /** @return the versions this rollout names as candidates (the shadow's and the canary's), which never answer by default */
    public List<Long> candidates() {
        List<Long> versions = new ArrayList<>(2);
        shadow.ifPresent(s -> versions.add(s.version()));
        canary.ifPresent(c -> versions.add(c.version()));
        return versions;
    }

    /** @return every version this rollout names, the pinned one first */
    public List<Long> named() {
        List<Long> versions = new ArrayList<>(3);
        serving.ifPresent(versions::add);
        versions.addAll(candidates());
        return versions;
    }

    /** @return whether this rollout changes nothing */
    public boolean none() {
        return serving.isEmpty() && shadow.isEmpty() && canary.isEmpty() && promotedFrom.isEmpty();
    }

    /** @return this rollout as the JSON it is read from (keys in a fixed order, defaults left out) */
    public Map<String, Object> json() {
        Map<String, Object> json = new LinkedHashMap<>();
        serving.ifPresent(v -> json.put(SERVING, v));
        promotedFrom.ifPresent(v -> json.put(PROMOTED_FROM, v));
        shadow.ifPresent(s -> {
            Map<String, Object> part = new LinkedHashMap<>();
            part.put(VERSION, s.version());
            if (s.sample() != 1) {
                part.put(SAMPLE, s.sample());
            }
            json.put(SHADOW, part);
        });
        canary.ifPresent(c -> {
            Map<String, Object> part = new LinkedHashMap<>();
            part.put(VERSION, c.version());
            part.put(PERCENT, c.percentShown());
            if (c.sample() != 1) {
                part.put(SAMPLE, c.sample());
            }
            json.put(CANARY, part);
        });
        return json;
    }

    /** @return {@link #json()} as text, as {@code rollout.json} holds it */
    public String text() {
        try {
            return WRITER.writeValueAsString(json()) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("a rollout's JSON is numbers and maps", e);
        }
    }

    private static final ObjectWriter WRITER = new ObjectMapper(JsonText.FACTORY).writerWithDefaultPrettyPrinter();

    static final String SERVING = "serving";
    static final String SHADOW = "shadow";
    static final String CANARY = "canary";
    static final String PROMOTED_FROM = "promoted_from";
    static final String VERSION = "version";
    static final String PERCENT = "percent";
    static final String SAMPLE = "sample";

    /**
     * Reads a rollout's JSON: an object with {@code serving} (a version), {@code shadow} ({@code version}, optional
     * {@code sample} in (0, 1]) and {@code canary} ({@code version}, {@code percent} in [0, 100], optional
     * {@code sample} in [0, 1]), each optional; {@code {}} is no rollout.
     *
     * @throws ServingException {@link ServingException.Kind#INVALID_FIELDS} naming every bad field: an unknown key, a
     *                          missing or wrong value, malformed JSON, or or {@link ServingException.Kind#TOO_LARGE} past {@link #MAX_BYTES}
     */
    public static Rollout parse(byte[] json) {
        if (json.length > MAX_BYTES) {
            throw ServingException.of(
                    ServingException.Kind.TOO_LARGE,
                    "a rollout is at most " + MAX_BYTES + " bytes of JSON; this one is longer");
        }
        Reader reader = new Reader();
        try (JsonParser parser = JsonText.parser(new ByteArrayInputStream(json))) {
            Rollout rollout = reader.rollout(parser);
            if (parser.nextToken() != null) {
                reader.problem("rollout", "the rollout is one JSON object; more follows it");
            }
            reader.check();
            return rollout;
        } catch (IOException e) {
            RowsException malformed = JsonText.malformed(e);
            throw ServingException.invalidField("rollout", malformed.getMessage());
        }
    }

    /** Reads one rollout object, collecting every problem before refusing. */
    private static final class Reader {

        private final List<FieldProblem> problems = new ArrayList<>();

        void problem(String field, String message) {
            problems.add(new FieldProblem(field, message, null));
        }

        void check() {
            if (!problems.isEmpty()) {
                throw ServingException.invalidFields(problems);
            }
        }

        Rollout rollout(JsonParser parser) throws IOException {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                problem(
                        "rollout",
                        "a rollout is a JSON object such as {\"canary\": {\"version\": 2, \"percent\": 10}}");
                check();
            }
            OptionalLong serving = OptionalLong.empty();
            OptionalLong promotedFrom = OptionalLong.empty();
            Optional<Shadow> shadow = Optional.empty();
            Optional<Canary> canary = Optional.empty();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                parser.nextToken();
                switch (key) {
                    case SERVING -> serving = version(parser, SERVING);
                    case PROMOTED_FROM -> promotedFrom = version(parser, PROMOTED_FROM);
                    case SHADOW -> shadow = part(parser, SHADOW, false).map(p -> new Shadow(p.version, p.sample));
                    case CANARY ->
                        canary = part(parser, CANARY, true).map(p -> new Canary(p.version, p.percent, p.sample));
                    default -> {
                        problem(bounded(key), "unknown key; a rollout has serving, shadow, canary and promoted_from");
                        parser.skipChildren();
                    }
                }
            }
            if (shadow.isPresent()
                    && canary.isPresent()
                    && shadow.get().version() == canary.get().version()) {
                problem(
                        "canary.version",
                        "version " + canary.get().version() + " is the shadow too; a version is"
                                + " either a shadow or a canary");
            }
            if (serving.isPresent()) {
                long pinned = serving.getAsLong();
                shadow.filter(s -> s.version() == pinned)
                        .ifPresent(s -> problem(
                                "shadow.version",
                                "version " + pinned + " serves already; a shadow is another version"));
                canary.filter(c -> c.version() == pinned)
                        .ifPresent(c -> problem(
                                "canary.version",
                                "version " + pinned + " serves already; a canary is another version"));
            }
            if (promotedFrom.isPresent() && (serving.isEmpty() || serving.getAsLong() == promotedFrom.getAsLong())) {
                problem(
                        PROMOTED_FROM,
                        "is the version a promote replaced, kept beside the serving version it pinned; it needs"
                                + " serving, another version");
            }
            return new Rollout(serving, shadow, canary, promotedFrom);
        }

        private record Part(long version, double percent, double sample) {}

        private Optional<Part> part(JsonParser parser, String name, boolean canary) throws IOException {
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                problem(
                        name,
                        "an object such as " + (canary ? "{\"version\": 2, \"percent\": 10}" : "{\"version\": 2}"));
                parser.skipChildren();
                return Optional.empty();
            }
            OptionalLong version = OptionalLong.empty();
            double percent = Double.NaN;
            double sample = 1;
            boolean ok = true;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                parser.nextToken();
                String field = name + "." + bounded(key);
                switch (key) {
                    case VERSION -> {
                        version = version(parser, field);
                        ok &= version.isPresent();
                    }
                    case PERCENT -> {
                        if (canary) {
                            percent = share(parser, field, 0, 100, "a percent from 0 to 100");
                            ok &= !Double.isNaN(percent);
                        } else {
                            problem(field, "unknown key; a shadow has version and sample (its share of requests)");
                            parser.skipChildren();
                            ok = false;
                        }
                    }
                    case SAMPLE -> {
                        sample = share(
                                parser,
                                field,
                                canary ? 0 : Double.MIN_VALUE,
                                1,
                                canary ? "a share from 0 to 1" : "a share above 0, up to 1");
                        ok &= !Double.isNaN(sample);
                    }
                    default -> {
                        problem(
                                field,
                                "unknown key; a " + name + " has version" + (canary ? ", percent" : "")
                                        + " and sample");
                        parser.skipChildren();
                        ok = false;
                    }
                }
            }
            if (version.isEmpty() && ok) {
                problem(name + "." + VERSION, "missing: the " + name + "'s version");
                ok = false;
            }
            if (canary && Double.isNaN(percent) && ok) {
                problem(name + "." + PERCENT, "missing: the percent of unversioned requests the canary answers");
                ok = false;
            }
            return ok ? Optional.of(new Part(version.getAsLong(), percent, sample)) : Optional.empty();
        }

        /** A version, a JSON number: {@code "1"} is text, as the body's author wrote it, so refused as such. */
        private OptionalLong version(JsonParser parser, String field) throws IOException {
            JsonToken token = parser.currentToken();
            if (token == JsonToken.VALUE_STRING) {
                problem(
                        field,
                        "must be a number, got a string (\"" + bounded(parser.getText()) + "\"); " + ModelVersion.RULE);
                return OptionalLong.empty();
            }
            String text = token == JsonToken.VALUE_NUMBER_INT ? parser.getText() : null;
            OptionalLong version = text == null ? OptionalLong.empty() : ModelVersion.parse(text);
            if (version.isEmpty()) {
                problem(field, ModelVersion.RULE + "; found " + shown(parser));
                parser.skipChildren();
            }
            return version;
        }

        private double share(JsonParser parser, String field, double low, double high, String what) throws IOException {
            if (parser.currentToken().isNumeric()) {
                double value = parser.getDoubleValue();
                if (value >= low && value <= high) {
                    return value;
                }
            }
            problem(field, "must be " + what + "; found " + shown(parser));
            parser.skipChildren();
            return Double.NaN;
        }

        private static String shown(JsonParser parser) throws IOException {
            JsonToken token = parser.currentToken();
            return token.isScalarValue()
                    ? bounded(parser.getText())
                    : token == JsonToken.START_OBJECT ? "an object" : "a list";
        }

        /** A key or value as a message shows it: a huge one is cut. */
        private static String bounded(String text) {
            return text.length() <= 64 ? text : text.substring(0, 64) + "…";
        }
    }
}
