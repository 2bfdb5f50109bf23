package org.tabserve.spark;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/**
 * The CPU and run time a job's tasks spent on the executors, as their metrics tell the driver: on a machine other work
 * shares, the tasks' CPU time says what the scoring costs where the wall clock says how busy the machine was.
 */
final class TaskTime extends SparkListener {

    private final AtomicLong cpuNanos = new AtomicLong();
    private final AtomicLong runMillis = new AtomicLong();
    private final AtomicLong tasks = new AtomicLong();

    /** @return a listener added to {@code spark}'s context, counting from now on */
    static TaskTime listen(SparkSession spark) {
        TaskTime time = new TaskTime();
        spark.sparkContext().addSparkListener(time);
        return time;
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskMetrics() != null) {
            cpuNanos.addAndGet(end.taskMetrics().executorCpuTime());
            runMillis.addAndGet(end.taskMetrics().executorRunTime());
            tasks.incrementAndGet();
        }
    }

    /** @return what the tasks took, for the job's last line */
    String summary() {
        return String.format(
                "%d tasks, their CPU %.1f s, their run time %.1f s",
                tasks.get(), cpuNanos.get() / 1e9, runMillis.get() / 1e3);
    }
}
