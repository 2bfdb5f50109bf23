package org.tabserve.serving.shared;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.tabserve.model.answer.AnswerTrace;
import org.tabserve.serving.feedback.FeedbackMonitor;
import org.tabserve.serving.feedback.LivePerformance;
import org.tabserve.serving.feedback.SharedAnswers;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The shared store in Redis ({@link SharedAnswers}): answers are queued and written by one thread of its own, many to
 * a round trip, so that an answer never waits for Redis; labels and the fleet's figures are read on the caller's
 * thread, every call (its connection and its wait for one included) within one total deadline
 * ({@link RedisDeadline}, {@code tabserve.redis-deadline}), however Redis trickles its reply. After a failure the store is taken as down for {@link #DOWN_NANOS}, so that
 * no caller waits for it meanwhile: answers are skipped (counted), labels refused in words. Keys are under
 * {@link RedisKeys#PREFIX}, each model's name spelled with its length so that no two names and ids meet, and each
 * named caller's answers under keys of their own, so that two callers' ids never meet.
 */
public final class RedisAnswers implements SharedAnswers {

    private static final Logger LOG = Logger.getLogger(RedisAnswers.class.getName());
    /** How long the store is taken as down after a failure, before it is tried again. */
    static final long DOWN_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Answers waiting to be written, at most: past them (Redis slower than the answers come), one is skipped. */
    static final int QUEUE = 8192;
    /** The room answers take in Redis in any five minutes, across the fleet: 64 MiB, 768 MiB over the hour. */
    static final long ROOM_PER_BUCKET = 64L << 20;
    /** How long fleet figures read once are answered again without a round trip. */
    private static final long FIGURES_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final int BUCKET_SECONDS = (int) (FeedbackMonitor.WINDOW_NANOS / 1_000_000_000L / 12);
    private static final int KEEP_SECONDS = (int) (FeedbackMonitor.WINDOW_NANOS / 1_000_000_000L);
    private static final List<String> FIELDS =
            List.of("labelled", "correct", "error", "unknown", "expired", "duplicate");
    private static final LivePerformance.Sum[] SUMS = {
        LivePerformance.Sum.LABELLED,
        LivePerformance.Sum.CORRECT,
        LivePerformance.Sum.ABSOLUTE_ERROR,
        LivePerformance.Sum.UNKNOWN,
        LivePerformance.Sum.EXPIRED,
        LivePerformance.Sum.DUPLICATE
    };

    private record Figures(double[] sums, long at) {}

    private final RedisAddress address;
    private final RedisDeadline deadline;
    private final RedisSpans spans;
    private final Runnable reused;
    private final RedisClient redis;
    private final BlockingQueue<Kept> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong skipped = new AtomicLong();
    private final Map<String, Figures> figures = new ConcurrentHashMap<>();
    private final Thread writer;
    private final String keepSha = RedisKeys.sha1(RedisScripts.KEEP);
    private final String joinSha = RedisKeys.sha1(RedisScripts.JOIN);
    private final String sumsSha = RedisKeys.sha1(RedisScripts.SUMS);
    private volatile boolean scriptsLoaded;
    private volatile long downUntil = System.nanoTime();
    private volatile boolean closed;

    /**
     * @return the store at {@code url}, {@code redis://[user:password@]host:port[/database]} (or {@code rediss://}),
     *         its client loaded now; {@code reused} is told of each answer not kept because its id was taken
     * @throws IllegalArgumentException for a URL that is not one, saying why without its password
     */
    public static SharedAnswers open(String url, Runnable reused) {
        return new RedisAnswers(RedisAddress.parse(url), reused, RedisDeadline.DEFAULT);
    }

    /**
     * As {@link #open(String, Runnable)}, each call held to the deadline {@code lookup} gives as
     * {@code tabserve.redis-deadline} (500 ms by default).
     *
     * @throws IllegalArgumentException for a URL that is not one, or a deadline that is not one, saying which
     */
    public static RedisAnswers open(String url, Runnable reused, Function<String, Optional<String>> lookup) {
        Duration deadline = RedisDeadline.resolve(lookup);
        return new RedisAnswers(RedisAddress.parse(url), reused, deadline);
    }

    RedisAnswers(RedisAddress address, Runnable reused, Duration deadline) {
        this.address = address;
        this.deadline = new RedisDeadline(deadline, address);
        this.spans = new RedisSpans(address);
        this.reused = reused;
        this.redis = DeadlineSockets.client(address, this.deadline);
        this.writer = new Thread(this::write, "tabserve-shared-state");
        writer.setDaemon(true);
        writer.start();
        LOG.info("Answers kept for labels are shared in " + address);
    }

    @Override
    public void keep(Kept kept) {
        Kept queued = kept.trace().traceId() == null ? kept.untraced() : kept; // under its request's trace if sampled
        if (System.nanoTime() - downUntil < 0 || !queue.offer(queued)) {
            skipped.incrementAndGet();
        }
    }

    /** The writer's loop: takes what is queued, up to 256 answers, and writes them in one round trip. */
    private void write() {
        List<Kept> batch = new ArrayList<>();
        while (!closed) {
            try {
                Kept first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 255);
                if (System.nanoTime() - downUntil < 0) {
                    skipped.addAndGet(batch.size());
                } else {
                    try (RedisDeadline.Call call = deadline.begin()) {
                        writeAll(batch);
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                skipped.addAndGet(batch.size());
                down(e);
            } finally {
                batch.clear();
            }
        }
    }

    private void writeAll(List<Kept> batch) {
        loadScripts();
        long bucket = System.currentTimeMillis() / 1000 / BUCKET_SECONDS;
        List<Response<Object>> answers = new ArrayList<>(batch.size());
        List<AnswerTrace.Stage> traced = new ArrayList<>(0); // the round trip, in each sampled request's trace
        for (Kept keep : batch) {
            if (keep.trace() != AnswerTrace.NONE) {
                traced.add(spans.evalsha(keep.trace(), batch.size()));
            }
        }
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (Kept keep : batch) {
                int rows = keep.classes() != null ? keep.classes().length : keep.values().length;
                List<String> args = new ArrayList<>(rows + 7);
                args.add(Integer.toString(KEEP_SECONDS));
                args.add(Integer.toString(2 * KEEP_SECONDS));
                args.add(Long.toString(128 + keep.owner().length() + keep.id().length() + 24L * rows));
                args.add(Long.toString(ROOM_PER_BUCKET));
                args.add(Integer.toString(keep.first()));
                args.add(Long.toString(keep.version()));
                args.add(Long.toString(keep.ticket()));
                for (int r = 0; r < rows; r++) {
                    args.add(
                            keep.classes() != null
                                    ? Integer.toString(keep.classes()[r])
                                    : Double.toString(keep.values()[r]));
                }
                answers.add(pipeline.evalsha(
                        keepSha,
                        List.of(
                                RedisKeys.answerKey(keep.model(), keep.owner(), keep.id()),
                                RedisKeys.seenKey(keep.model(), keep.owner(), keep.id()),
                                RedisKeys.PREFIX + "room:" + bucket),
                        args));
            }
            pipeline.sync();
        } catch (RuntimeException e) {
            traced.forEach(span -> RedisSpans.failed(span, e));
            throw e;
        } finally {
            traced.forEach(AnswerTrace.Stage::close);
        }
        for (Response<Object> answer : answers) {
            try {
                Object kept = answer.get();
                if (Long.valueOf(RedisScripts.TAKEN).equals(kept)) {
                    reused.run(); // the id names another request's answer: never replaced
                } else if (!Long.valueOf(1).equals(kept)) {
                    skipped.incrementAndGet(); // the room was full, or the answer's earlier rows were not kept
                }
            } catch (JedisDataException e) {
                skipped.incrementAndGet();
                scriptsLoaded = scriptsLoaded && !String.valueOf(e.getMessage()).startsWith("NOSCRIPT");
            }
        }
    }

    @Override
    public List<Joined> join(String model, List<FeedbackMonitor.Label> labels, AnswerTrace trace) {
        if (System.nanoTime() - downUntil < 0) {
            throw RedisFailures.unavailable(address, null, deadline.deadline());
        }
        List<Response<Object>> answers;
        try (RedisDeadline.Call call = deadline.begin()) { // one deadline for the join, sent again or not
            answers = send(model, labels, trace);
            if (!answers.isEmpty() && noScript(answers.get(0))) { // Redis lost the scripts (restarted, SCRIPT FLUSH)
                scriptsLoaded = false;
                answers = send(model, labels, trace);
            }
        }
        List<Joined> joined = new ArrayList<>(labels.size());
        for (Response<Object> answer : answers) {
            joined.add(RedisReplies.joined(answer));
        }
        return joined;
    }

    private static boolean noScript(Response<Object> answer) {
        try {
            answer.get();
            return false;
        } catch (JedisDataException e) {
            return String.valueOf(e.getMessage()).startsWith("NOSCRIPT");
        }
    }

    /** Sends the join script for each label, in one round trip (a span of {@code trace}'s when sampled). */
    private List<Response<Object>> send(String model, List<FeedbackMonitor.Label> labels, AnswerTrace trace) {
        List<Response<Object>> answers = new ArrayList<>(labels.size());
        AnswerTrace.Stage span = AnswerTrace.Stage.NONE;
        try {
            loadScripts();
            span = spans.evalsha(trace, labels.size());
            try (AbstractPipeline pipeline = redis.pipelined()) {
                for (FeedbackMonitor.Label label : labels) {
                    answers.add(pipeline.evalsha(
                            joinSha,
                            List.of(
                                    RedisKeys.answerKey(model, label.client(), label.requestId()),
                                    RedisKeys.seenKey(model, label.client(), label.requestId())),
                            List.of(Integer.toString(label.row()))));
                }
                pipeline.sync();
            }
        } catch (JedisException e) {
            RedisSpans.failed(span, e);
            down(e);
            throw RedisFailures.unavailable(address, e, deadline.deadline());
        } finally {
            span.close();
        }
        return answers;
    }

    @Override
    public void add(String model, long version, double[] sums) {
        if (System.nanoTime() - downUntil < 0) {
            return;
        }
        String key = RedisKeys.liveKey(model, version, System.currentTimeMillis() / 1000 / BUCKET_SECONDS);
        try (RedisDeadline.Call call = deadline.begin();
                AbstractPipeline pipeline = redis.pipelined()) {
            for (int f = 0; f < SUMS.length; f++) {
                double amount = sums[SUMS[f].ordinal()];
                if (amount != 0 && Double.isFinite(amount)) {
                    pipeline.hincrByFloat(key, FIELDS.get(f), amount);
                }
            }
            pipeline.expire(key, KEEP_SECONDS + BUCKET_SECONDS);
            pipeline.sync();
        } catch (JedisException e) {
            down(e);
        }
        figures.remove(model + '\n' + version);
    }

    @Override
    public double[] recent(String model, long version) {
        String cached = model + '\n' + version;
        Figures known = figures.get(cached);
        long now = System.nanoTime();
        if (known != null && now - known.at() < FIGURES_NANOS) {
            return known.sums();
        }
        if (now - downUntil < 0) {
            return null;
        }
        long bucket = System.currentTimeMillis() / 1000 / BUCKET_SECONDS;
        List<String> keys = new ArrayList<>(12);
        for (int b = 0; b < 12; b++) {
            keys.add(RedisKeys.liveKey(model, version, bucket - b));
        }
        try (RedisDeadline.Call call = deadline.begin()) {
            loadScripts();
            if (!(redis.evalsha(sumsSha, keys, FIELDS) instanceof List<?> got) || got.size() != FIELDS.size()) {
                return null;
            }
            double[] sums = new double[LivePerformance.Sum.values().length];
            for (int f = 0; f < SUMS.length; f++) {
                sums[SUMS[f].ordinal()] = Double.parseDouble(RedisReplies.text(got.get(f)));
            }
            figures.put(cached, new Figures(sums, now));
            return sums;
        } catch (JedisException | NumberFormatException e) {
            if (e instanceof JedisException jedis && !(jedis instanceof JedisDataException)) {
                down(e);
            } else if (e instanceof JedisDataException
                    && String.valueOf(e.getMessage()).startsWith("NOSCRIPT")) {
                scriptsLoaded = false; // loaded again at the next read
            }
            return null;
        }
    }

    /** Loads the scripts into Redis once (again after a failure: a restarted Redis has none). */
    private void loadScripts() {
        if (!scriptsLoaded) {
            redis.scriptLoad(RedisScripts.KEEP);
            redis.scriptLoad(RedisScripts.JOIN);
            redis.scriptLoad(RedisScripts.SUMS);
            scriptsLoaded = true;
        }
    }

    /** Takes the store as down for {@link #DOWN_NANOS}, logging it once a down period. */
    private void down(Exception e) {
        scriptsLoaded = false;
        long now = System.nanoTime();
        boolean wasUp = now - downUntil >= 0;
        downUntil = now + DOWN_NANOS;
        if (wasUp && !closed) {
            LOG.log(
                    Level.WARNING,
                    "The shared store " + address + " did not answer (" + RedisFailures.cause(e)
                            + "): answers are served but not kept for labels, and labels are refused, until it does");
        }
    }

    /** @return the fleet's buckets of clients' rates in this store, on its connections and within its deadline */
    public org.tabserve.serving.access.SharedBuckets buckets() {
        return new RedisBuckets(address, deadline, redis);
    }

    @Override
    public long skipped() {
        return skipped.get();
    }

    /** @return the calls to Redis abandoned at their deadline ({@code tabserve.redis-deadline}), since start */
    public long abandoned() {
        return deadline.abandoned();
    }

    @Override
    public String describe() {
        return address.toString();
    }

    @Override
    public void close() {
        closed = true;
        writer.interrupt();
        redis.close();
    }
}
