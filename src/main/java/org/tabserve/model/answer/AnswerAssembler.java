package org.tabserve.model.answer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.tabserve.model.Model;
import org.tabserve.model.conformal.RowUncertainty;
import org.tabserve.model.conformal.Uncertainty;
import org.tabserve.model.explain.Explainer;
import org.tabserve.model.explain.Explanation;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;

/**
 * The one place an answer is assembled, for the server, the commands and Spark alike: a batch's explanations when
 * asked (first, so that a request that cannot have them is refused before anything is scored), the model's answers,
 * the hooks its caller owes for each batch (the server's metrics, statistics, drift, answers kept for labels,
 * rollouts and prediction log; none offline), then each row's uncertainty when a coverage was asked for. An upload
 * scored chunk by chunk on a pool uses its two steps ({@link #predict} on any thread, {@link #answered} in upload
 * order); a route that answers its rows at once calls {@link #scoreRows}.
 */
public final class AnswerAssembler implements BatchScoring {

    /** What a caller owes for each batch its model answered, in the order of the rows sent. */
    @FunctionalInterface
    public interface Hook {
        /** No hook: what the commands and Spark owe. */
        Hook NONE = (rows, predictions) -> {};

        void answered(Batch rows, List<Prediction> predictions);
    }

    /** Each row's uncertainty at the coverage a request asked for. */
    public interface Covering {
        /** @return one per row of {@code rows}, in order */
        List<Uncertainty> of(Batch rows, List<Prediction> predictions);

        /** @return whether each uncertainty says how novel its row is */
        boolean novelty();

        /** {@code covering} row by row, with nothing owed: what the commands and Spark use. */
        static Covering of(RowUncertainty covering) {
            return new Covering() {
                @Override
                public List<Uncertainty> of(Batch rows, List<Prediction> predictions) {
                    List<Uncertainty> out = new ArrayList<>(predictions.size());
                    for (int r = 0; r < predictions.size(); r++) {
                        out.add(covering.of(rows, r, predictions.get(r)));
                    }
                    return out;
                }

                @Override
                public boolean novelty() {
                    return covering.measuresNovelty();
                }
            };
        }
    }

    /** Each row's explanation, for a batch of rows. */
    @FunctionalInterface
    public interface Explaining {
        /**
         * @param watch how the work notices that its client has gone
         * @return one per row of {@code rows}, in order
         */
        List<Explanation> of(Batch rows, ClientWatch watch);

        /** {@code explainer} row by row, with no bound but the batch's: what the commands and Spark use. */
        static Explaining of(Explainer explainer) {
            return (rows, watch) -> {
                List<Explanation> out = new ArrayList<>(rows.size());
                for (int r = 0; r < rows.size(); r++) {
                    out.add(explainer.explain(rows, r));
                }
                return out;
            };
        }
    }

    private final Supplier<Model> model;
    private final Supplier<AnswerSource> source;
    private final Covering covering;
    private final Explaining explaining;
    private final boolean explainEvery;
    private final Supplier<Hook> hooks;
    private final Supplier<AnswerTrace> trace;
    private Hook hook;

    private AnswerAssembler(Builder builder) {
        this.model = builder.model;
        this.source = builder.source;
        this.covering = builder.covering;
        this.explaining = builder.explaining;
        this.explainEvery = builder.explainEvery;
        this.hooks = builder.hooks;
        this.trace = builder.trace;
    }

    /**
     * @param model the model that scores, asked at the first call (the server's request leases it then)
     * @return an assembler's builder: no coverage, no explanations, no hooks until given
     */
    public static Builder of(Supplier<Model> model) {
        return new Builder(model);
    }

    /** @return an assembler that scores with {@code model} alone and owes nothing: the commands' and tests' */
    public static AnswerAssembler offline(Model model) {
        return of(() -> model).build();
    }

    /** How an assembler is put together. */
    public static final class Builder {
        private final Supplier<Model> model;
        private Supplier<AnswerSource> source;
        private Covering covering;
        private Explaining explaining;
        private boolean explainEvery;
        private Supplier<Hook> hooks = () -> Hook.NONE;
        private Supplier<AnswerTrace> trace = () -> AnswerTrace.NONE;

        private Builder(Supplier<Model> model) {
            this.model = model;
            this.source = () -> {
                Model scoring = model.get();
                return new AnswerSource(
                        scoring.card().name(),
                        0,
                        scoring.sha256(),
                        scoring.engine().name(),
                        null,
                        false);
            };
        }

        /** @param source the answer's request-level values, asked once the model is leased */
        public Builder source(Supplier<AnswerSource> source) {
            this.source = source;
            return this;
        }

        /** @param covering each row's uncertainty, or null when no coverage was asked for */
        public Builder covering(Covering covering) {
            this.covering = covering;
            return this;
        }

        /** @param covering each row's uncertainty row by row, or null when no coverage was asked for */
        public Builder covering(RowUncertainty covering) {
            return covering(covering == null ? null : Covering.of(covering));
        }

        /**
         * @param explaining   how rows are explained when a request asks ({@link #scoreRows}), or null for never
         * @param everyBatch   whether every batch is explained, also in {@link #answered} (Spark's, asked for the
         *                     whole job); else only where {@link #scoreRows} is asked to
         */
        public Builder explaining(Explaining explaining, boolean everyBatch) {
            this.explaining = explaining;
            this.explainEvery = explaining != null && everyBatch;
            return this;
        }

        /** @param hooks what is owed for each batch, made at the first batch answered (once the model is leased) */
        public Builder hooks(Supplier<Hook> hooks) {
            this.hooks = hooks;
            return this;
        }

        /** @param trace the request's trace, whose stages the model's calls, explanations and coverage open */
        public Builder trace(Supplier<AnswerTrace> trace) {
            this.trace = trace;
            return this;
        }

        public AnswerAssembler build() {
            return new AnswerAssembler(this);
        }
    }

    /**
     * Scores {@code rows}: their explanations first when asked, then the model's answers, the hooks, and their
     * uncertainties when a coverage was asked for.
     *
     * @param explain whether the request asked for each row's explanation
     * @param watch   how the request notices that its client has gone while its rows are explained
     * @throws IllegalStateException when explanations are asked of an assembler given no way to explain
     */
    public ScoredRows scoreRows(Batch rows, boolean explain, ClientWatch watch) {
        List<Explanation> explained = null;
        if (explain && !explainEvery) {
            if (explaining == null) {
                throw new IllegalStateException("this answer's scoring explains nothing");
            }
            try (AnswerTrace.Stage stage = trace.get().stage("tabserve.explain")) {
                stage.attribute(AnswerTrace.ROWS, rows.size());
                explained = explaining.of(rows, watch);
                if (!explained.isEmpty()) {
                    stage.attribute("tabserve.explain.method", explained.get(0).method());
                }
            }
        }
        ScoredRows scored = score(rows);
        return explained == null ? scored : scored.withExplanations(explained);
    }

    /** {@link #scoreRows(Batch, boolean, ClientWatch)} without explanations. */
    public ScoredRows scoreRows(Batch rows) {
        return scoreRows(rows, false, ClientWatch.NONE);
    }

    @Override
    public Model model() {
        return model.get();
    }

    /** @return the answer's request-level values: ask once the model has answered, or at least been asked for */
    @Override
    public AnswerSource source() {
        return source.get();
    }

    /**
     * @param explained whether the request asked for explanations
     * @return what this answer's rows carry
     */
    public AnswerShape shape(boolean explained) {
        return AnswerShape.of(
                model().signature(),
                explained || explainEvery,
                covering != null,
                covering != null && covering.novelty());
    }

    @Override
    public List<Prediction> predict(Batch rows) {
        Model scoring = model.get();
        AnswerTrace traced = trace.get();
        if (traced.traceId() == null) {
            return scoring.predict(rows);
        }
        try (AnswerTrace.Stage stage = traced.stage("tabserve.model")) {
            AnswerSource answering = source();
            stage.attribute("tabserve.model.name", answering.model())
                    .attribute("tabserve.model.version", answering.version())
                    .attribute("tabserve.model.engine", answering.engine())
                    .attribute(AnswerTrace.ROWS, rows.size());
            return scoring.predict(rows);
        }
    }

    @Override
    public ScoredRows answered(Batch rows, List<Prediction> predictions) {
        if (hook == null) {
            hook = hooks.get();
        }
        hook.answered(rows, predictions);
        List<Uncertainty> uncertainties = null;
        if (covering != null) {
            try (AnswerTrace.Stage stage = trace.get().stage("tabserve.coverage")) {
                stage.attribute(AnswerTrace.ROWS, rows.size())
                        .attribute("tabserve.novelty", covering.novelty() ? 1 : 0);
                uncertainties = covering.of(rows, predictions);
            }
        }
        List<Explanation> explanations = explainEvery ? explaining.of(rows, ClientWatch.NONE) : null;
        return new ScoredRows(predictions, explanations, uncertainties);
    }

    @Override
    public boolean covers() {
        return covering != null;
    }

    @Override
    public boolean measuresNovelty() {
        return covering != null && covering.novelty();
    }
}
