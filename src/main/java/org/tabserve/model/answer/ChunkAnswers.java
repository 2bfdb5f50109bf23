package org.tabserve.model.answer;

import java.io.IOException;
import java.util.List;
import org.tabserve.model.signature.Prediction;

/**
 * Receives each chunk of an upload with its answers, in upload order, on the request thread: what a writer of rows
 * hands to the {@link ChunkScorer}, which scores the chunks the reader hands over.
 *
 * @param <C> the reader's chunk
 */
public interface ChunkAnswers<C> {

    /** Receives a chunk as scored (less the rows the model refused in their place) and its rows' answers. */
    void accept(C chunk, AnsweredRows scored) throws IOException;

    /**
     * Answers with work on a chunk's predictions that does not need the request thread (writing its numbers as
     * text, say): while a chunk is handed to {@link #accept(Object, AnsweredRows, Object)}, the scorer's pool prepares
     * the next {@link #ahead()} chunks already scored, so the request thread, which alone writes the answer, does
     * less. A chunk that was not prepared in time is prepared on the request thread at its turn; either way each chunk
     * is prepared once and handed on in upload order. What a prepared chunk holds is the sink's to count: at most
     * {@link #ahead()} + 1 chunks are prepared and not yet handed on at a time.
     *
     * @param <C> the reader's chunk
     * @param <T> what a chunk's preparation makes
     */
    interface Preparing<C, T> extends ChunkAnswers<C> {
        /** Runs on a scoring thread or, for a chunk not prepared ahead, on the request thread. */
        T prepare(C chunk, List<Prediction> predictions);

        /** Receives each chunk as scored and its preparation, in upload order, on the request thread. */
        void accept(C chunk, AnsweredRows scored, T prepared) throws IOException;

        /** @return how many chunks after the one being handed on the pool may prepare at once (0: none ahead) */
        int ahead();

        @Override
        default void accept(C chunk, AnsweredRows scored) throws IOException {
            accept(chunk, scored, prepare(chunk, scored.predictions()));
        }
    }
}
