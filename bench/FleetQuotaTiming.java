import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.tabserve.serving.access.Caller;
import org.tabserve.serving.access.ClientBuckets;
import org.tabserve.serving.access.Grant;
import org.tabserve.serving.access.Quota;
import org.tabserve.serving.access.Scope;
import org.tabserve.serving.shared.RedisAnswers;
import redis.clients.jedis.RedisClient;

/**
 * What a rated client's request pays for the fleet's bucket (issue 78, item 3), in one JVM against one local Redis:
 * the replica's own bucket ({@code Quota.take} through {@code ClientBuckets.LOCAL}), the fleet's
 * ({@code ClientBuckets.fleet}: one EVALSHA of the take script a request, through the server's own Redis client and
 * deadline), a token taken and a token refused (a refusal writes nothing), and a bare PING on a plain Jedis client as
 * the round trip's floor. For each: the wall time per take on one thread (p50, p99), and, with 16 threads at once,
 * takes a second and the CPU per take of this JVM and of redis-server (utime+stime from /proc). Run by
 * bench/fleet-quota, which starts the Redis; figures in bench/RESULTS.md.
 *
 * <p>Usage: {@code java -cp CP bench/FleetQuotaTiming.java redis://127.0.0.1:PORT REDIS_PID ROUNDS}
 */
public final class FleetQuotaTiming {

    private static final Caller TAKEN = client("bench", "999999999/s");
    private static final Caller REFUSED = client("refused", "1/d");

    private static Caller client(String name, String rate) {
        return new Caller(name, List.of(new Grant(Scope.PREDICT, Grant.ALL)), true, Quota.parse(rate));
    }

    interface Take {
        void once() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        long redisPid = Long.parseLong(args[1]);
        int rounds = Integer.parseInt(args[2]);
        java.net.URI uri = java.net.URI.create(url);
        try (RedisAnswers store = RedisAnswers.open(url, () -> {}, name -> java.util.Optional.empty());
                RedisClient plain = RedisClient.create(uri.getHost(), uri.getPort())) {
            ClientBuckets fleet =
                    ClientBuckets.fleet(store.buckets(), new io.prometheus.metrics.model.registry.PrometheusRegistry());
            ClientBuckets local = ClientBuckets.LOCAL;
            fleet.take(REFUSED); // the day's one token: every later take of it is a refusal
            local.take(REFUSED);
            List<String[]> rows = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                rows.add(measure(round, "own bucket, taken", () -> local.take(TAKEN), redisPid));
                rows.add(measure(round, "own bucket, refused", () -> local.take(REFUSED), redisPid));
                rows.add(measure(round, "PING (Jedis, the floor)", plain::ping, redisPid));
                rows.add(measure(round, "fleet's bucket, taken", () -> check(fleet.take(TAKEN) == 0), redisPid));
                rows.add(measure(round, "fleet's bucket, refused", () -> check(fleet.take(REFUSED) > 0), redisPid));
            }
            check(fleet.takenLocally() == 0);
            System.out.println(
                    "| round | take | one thread: p50 µs | p99 µs | 16 threads: takes/s | JVM CPU µs/take | redis-server CPU µs/take |");
            System.out.println("|---|---|---|---|---|---|---|");
            for (String[] row : rows) {
                System.out.println("| " + String.join(" | ", row) + " |");
            }
        }
    }

    private static void check(boolean ok) {
        if (!ok) {
            throw new IllegalStateException("a take did not come out as measured (the store did not answer?)");
        }
    }

    private static String[] measure(int round, String what, Take take, long redisPid) throws Exception {
        for (int i = 0; i < 20_000; i++) {
            take.once(); // the JIT, and the connections made
        }
        int single = 20_000;
        long[] nanos = new long[single];
        for (int i = 0; i < single; i++) {
            long began = System.nanoTime();
            take.once();
            nanos[i] = System.nanoTime() - began;
        }
        Arrays.sort(nanos);
        int threads = 16;
        int each = 5_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();
        long redisBefore = ticks(redisPid);
        long began = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                for (int i = 0; i < each; i++) {
                    take.once();
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        long wall = System.nanoTime() - began;
        long cpu = os.getProcessCpuTime() - cpuBefore;
        long redisTicks = ticks(redisPid) - redisBefore;
        pool.shutdown();
        double takes = (double) threads * each;
        double tick = 1e6 / 100; // µs per clock tick (USER_HZ 100)
        return new String[] {
            Integer.toString(round),
            what,
            String.format("%.1f", nanos[single / 2] / 1e3),
            String.format("%.1f", nanos[single * 99 / 100] / 1e3),
            String.format("%,.0f", takes / (wall / 1e9)),
            String.format("%.2f", cpu / 1e3 / takes),
            redisPid > 0 ? String.format("%.2f", redisTicks * tick / takes) : "-"
        };
    }

    /** redis-server's utime+stime in clock ticks, from /proc/PID/stat. */
    private static long ticks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
