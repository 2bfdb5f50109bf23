package org.tabserve.web.pages;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.tabserve.repository.ModelRepository;
import org.tabserve.repository.ModelStore;
import org.tabserve.serving.ResolvedModel;
import org.tabserve.serving.access.Caller;
import org.tabserve.serving.access.Scope;
import org.tabserve.serving.budget.MemoryBudget;
import org.tabserve.serving.monitor.Monitors;
import org.tabserve.serving.monitor.TabserveMetrics;
import org.tabserve.serving.rollout.Rollouts;
import org.tabserve.web.api.ModelIndexHandler;
import org.tabserve.web.http.Handler;
import org.tabserve.web.http.PageSession;
import org.tabserve.web.http.SharedAnswer;
import org.tabserve.web.http.Views;

/**
 * {@code GET /models}: the page that lists the served models, drawn from the same entries as {@code /api/models},
 * the store the models come from ({@code s3://}) and whether it answers, as {@code /api/models}' {@code store} says,
 * and the model directory's entries that are not served, with why and the fix; the home page ({@code /}) of a server
 * of a model directory.
 */
public final class ModelsPageHandler {

    /** The filtered pages whose builds are shared, the most recently asked for. */
    static final int FILTERED_PAGES = 16;

    private final Views views;
    private final SharedAnswer page;
    private final TabserveMetrics metrics;
    private final ModelRepository repository;
    private final Rollouts rollouts;
    private final Monitors monitors;
    private final MemoryBudget budget;
    /** The builds of the filtered pages asked for lately; an entry holds no answer between builds. */
    private final Map<ModelsFilter, SharedAnswer> filteredPages = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ModelsFilter, SharedAnswer> eldest) {
            return size() > FILTERED_PAGES;
        }
    };

    /**
     * @param metrics    where each model's drift, live performance and recent requests are read
     * @param monitors   where each model's drift and live performance are read
     * @param repository the served models, which the page lists
     * @param rollouts   their rollouts, which the page shows
     */
    public ModelsPageHandler(
            Views views,
            MemoryBudget budget,
            TabserveMetrics metrics,
            Monitors monitors,
            ModelRepository repository,
            Rollouts rollouts) {
        this.views = views;
        this.page = new SharedAnswer(budget, "the models page");
        this.metrics = metrics;
        this.repository = repository;
        this.rollouts = rollouts;
        this.monitors = monitors;
        this.budget = budget;
    }

    /**
     * {@code GET /models}: one build shared by every request that asks at the same time ({@link SharedAnswer}),
     * served to at most a share of the concurrency limit's slots ({@code ReaderLaneFilter}).
     */
    public void show(ResolvedModel model, HttpServletRequest request, HttpServletResponse response) throws IOException {
        ModelsFilter filter = ModelsFilter.of(request);
        // A caller who may read only some models gets a build of its own, listing only those; so does a person signed
        // in, whose page names them and carries their session's token.
        Caller caller = model.caller();
        SharedAnswer shared = !caller.mayAll(Scope.READ) || PageSession.of(request) != null
                ? new SharedAnswer(budget, "the models page")
                : filter.none() ? page : filtered(filter);
        shared.write(
                ModelIndexHandler.buildBytes(repository),
                out -> {
                    ModelsPage all = ModelsPage.of(ModelIndexHandler.readable(
                            ModelIndexHandler.entries(repository, metrics, monitors), caller));
                    views.renderTo(
                            request,
                            response,
                            "models",
                            Map.of(
                                    "page",
                                    all.filtered(filter),
                                    "total",
                                    all.rows().size(),
                                    "modelsFilter",
                                    filter,
                                    "rollouts",
                                    RolloutView.all(rollouts).stream()
                                            .filter(view -> caller.may(Scope.READ, view.name()))
                                            .toList(),
                                    "skipped",
                                    repository.skipped(),
                                    "skippedTotal",
                                    repository.skippedCount(),
                                    "store",
                                    repository.store().map(StoreView::of).orElse(StoreView.NONE)),
                            out);
                },
                html -> {
                    response.setStatus(200);
                    response.setContentType("text/html;charset=UTF-8");
                    response.setHeader("Cache-Control", "no-store"); // its figures are of the last minutes
                    response.setContentLength(html.length());
                    html.writeTo(response.getOutputStream());
                });
    }

    /**
     * @return the build shared by the requests for {@code filter}'s page: one per filter asked for lately, so that
     *         readers of one filtered page share its builds as readers of the whole page do
     */
    private SharedAnswer filtered(ModelsFilter filter) {
        synchronized (filteredPages) {
            return filteredPages.computeIfAbsent(filter, f -> new SharedAnswer(budget, "the models page"));
        }
    }

    /**
     * {@code GET /}: this page when the server serves a model directory ({@code --models}), where no one model is the
     * site; else {@code form}, the one model's form (also one model object's, {@code --model s3://BUCKET/KEY.onnx}). A
     * model's own form stays at {@code /models/{name}/}.
     */
    public Handler home(Handler form) {
        boolean directory = manyModels(repository);
        return (model, request, response) -> {
            if (model.route().isEmpty() && directory) {
                show(model, request, response);
            } else {
                form.handle(model, request, response);
            }
        };
    }

    /** @return whether {@code repository} serves a directory's models, not one model (a file, or one object) */
    public static boolean manyModels(ModelRepository repository) {
        return repository.options().directory().isPresent()
                && !repository.store().map(ModelStore.State::oneModel).orElse(false);
    }
}
