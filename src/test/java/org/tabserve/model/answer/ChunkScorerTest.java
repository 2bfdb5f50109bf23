package org.tabserve.model.answer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;
import org.tabserve.rows.csv.CsvRowsParser;
import org.tabserve.rows.read.RowChunk;
import org.tabserve.rows.read.RowsReader;

/**
 * A preparing sink gets every chunk once, in upload order, each with its own preparation made once, whether the pool
 * made it ahead or the request thread at the chunk's turn; a preparation that fails fails the run. The model's calls
 * run on the pool, and what is owed for each chunk ({@link BatchScoring#answered}) on the request thread, in upload
 * order, whichever call ends first.
 */
class ChunkScorerTest {

    /** Eleven chunks of the bank-note model's rows, the last part full. */
    private static List<RowChunk> chunks(Model model) throws IOException {
        StringBuilder csv = new StringBuilder("variance,skewness,curtosis,entropy\n");
        for (int i = 0; i < 10 * RowsReader.CHUNK_ROWS + 100; i++) {
            csv.append(i % 7 - 3)
                    .append(',')
                    .append(i % 11 - 5)
                    .append(",0.5,")
                    .append(-(i % 3))
                    .append('\n');
        }
        return new CsvRowsParser(model.signature(), 1_000_000)
                .readAll(new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** Records what it is given; its preparation is the chunk's labels, made once per chunk. */
    private static class Recording implements ChunkAnswers.Preparing<RowChunk, List<String>> {
        final int ahead;
        final List<RowChunk> accepted = new ArrayList<>();
        final ConcurrentHashMap<RowChunk, AtomicInteger> prepared = new ConcurrentHashMap<>();
        final ConcurrentHashMap<String, Boolean> preparingThreads = new ConcurrentHashMap<>();
        final Thread requestThread = Thread.currentThread();

        Recording(int ahead) {
            this.ahead = ahead;
        }

        @Override
        public List<String> prepare(RowChunk chunk, List<Prediction> predictions) {
            prepared.computeIfAbsent(chunk, c -> new AtomicInteger()).incrementAndGet();
            preparingThreads.put(Thread.currentThread() == requestThread ? "request" : "pool", true);
            return predictions.stream().map(p -> p.classification().label()).toList();
        }

        @Override
        public void accept(RowChunk chunk, AnsweredRows scored, List<String> labels) {
            assertSame(requestThread, Thread.currentThread(), "handed on on the request thread");
            assertEquals(
                    scored.predictions().stream()
                            .map(p -> p.classification().label())
                            .toList(),
                    labels,
                    "the chunk's own preparation");
            accepted.add(chunk);
        }

        @Override
        public int ahead() {
            return ahead;
        }
    }

    @Test
    void everyChunkIsHandedOnOnceInOrderWithItsOwnPreparation() throws IOException {
        try (Model model = OnnxModelLoader.load(Path.of("model.onnx"));
                ChunkScorer scorer = new ChunkScorer(2)) {
            List<RowChunk> chunks = chunks(model);
            for (int ahead : new int[] {0, 1, 3, 20}) {
                Recording sink = new Recording(ahead);
                ChunkScorer.Run<RowChunk> run = scorer.start(AnswerAssembler.offline(model), sink);
                for (RowChunk chunk : chunks) {
                    run.accept(chunk);
                }
                run.finish();
                assertEquals(chunks, sink.accepted, "ahead " + ahead);
                assertEquals(chunks.size(), sink.prepared.size(), "ahead " + ahead);
                assertTrue(sink.prepared.values().stream().allMatch(n -> n.get() == 1), "each prepared once");
                if (ahead == 0) {
                    assertEquals(List.of("request"), List.copyOf(sink.preparingThreads.keySet()));
                }
            }
        }
    }

    @Test
    void theModelCallsRunOnThePoolAndWhatIsOwedOnTheRequestThreadInUploadOrder() throws IOException {
        try (Model model = OnnxModelLoader.load(Path.of("model.onnx"));
                ChunkScorer scorer = new ChunkScorer(2)) {
            List<RowChunk> chunks = chunks(model);
            Thread requestThread = Thread.currentThread();
            List<Batch> owed = new ArrayList<>();
            ConcurrentHashMap<String, Boolean> callingThreads = new ConcurrentHashMap<>();
            AtomicInteger calls = new AtomicInteger();
            BatchScoring scoring = new BatchScoring() {
                @Override
                public Model model() {
                    return model;
                }

                @Override
                public AnswerSource source() {
                    return AnswerAssembler.offline(model).source();
                }

                @Override
                public List<Prediction> predict(Batch rows) {
                    callingThreads.put(Thread.currentThread() == requestThread ? "request" : "pool", true);
                    if (calls.getAndIncrement() % 2 == 0) {
                        try {
                            Thread.sleep(30); // every other call ends after the one behind it
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return model.predict(rows);
                }

                @Override
                public ScoredRows answered(Batch rows, List<Prediction> predictions) {
                    assertSame(requestThread, Thread.currentThread(), "owed on the request thread");
                    owed.add(rows);
                    return new ScoredRows(predictions, null, null);
                }
            };
            Recording sink = new Recording(0);
            ChunkScorer.Run<RowChunk> run = scorer.start(scoring, sink);
            for (RowChunk chunk : chunks) {
                run.accept(chunk);
            }
            run.finish();
            assertEquals(chunks.stream().map(RowChunk::batch).toList(), owed, "in upload order, each once");
            assertEquals(List.of("pool"), List.copyOf(callingThreads.keySet()));
        }
    }

    @Test
    void chunksScoredAheadAreHandedOnWithTheirPreparationsToo() throws IOException {
        try (Model model = OnnxModelLoader.load(Path.of("model.onnx"));
                ChunkScorer scorer = new ChunkScorer(2)) {
            List<RowChunk> chunks = chunks(model);
            Recording sink = new Recording(3);
            ChunkScorer.Run<RowChunk> run = scorer.start(AnswerAssembler.offline(model), sink);
            chunks.forEach(run::ahead); // an upload kept while it is checked: every chunk scored before any answer
            run.finish();
            assertEquals(chunks, sink.accepted);
            assertTrue(sink.prepared.values().stream().allMatch(n -> n.get() == 1), "each prepared once");
        }
    }

    @Test
    void aPreparationThatFailsFailsTheRun() throws IOException {
        try (Model model = OnnxModelLoader.load(Path.of("model.onnx"));
                ChunkScorer scorer = new ChunkScorer(2)) {
            List<RowChunk> chunks = chunks(model);
            RowChunk bad = chunks.get(4);
            Recording sink = new Recording(3) {
                @Override
                public List<String> prepare(RowChunk chunk, List<Prediction> predictions) {
                    if (chunk == bad) {
                        throw new IllegalStateException("no text for chunk 4");
                    }
                    return super.prepare(chunk, predictions);
                }
            };
            ChunkScorer.Run<RowChunk> run = scorer.start(AnswerAssembler.offline(model), sink);
            chunks.forEach(run::ahead);
            IllegalStateException failure = assertThrows(IllegalStateException.class, () -> {
                try {
                    run.finish();
                } finally {
                    run.cancel();
                }
            });
            assertEquals("no text for chunk 4", failure.getMessage());
            assertEquals(chunks.subList(0, 4), sink.accepted, "the chunks before it were handed on");
        }
    }
}
