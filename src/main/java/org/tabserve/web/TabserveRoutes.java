package org.tabserve.web;

import java.nio.file.Path;
import java.util.List;
import org.tabserve.serving.Scoring;
import org.tabserve.serving.ServedModels;
import org.tabserve.serving.access.Scope;
import org.tabserve.serving.budget.MemoryBudget;
import org.tabserve.serving.monitor.TabserveMetrics;
import org.tabserve.web.api.AdminModelHandler;
import org.tabserve.web.api.AdminOpenApi;
import org.tabserve.web.api.FeedbackHandler;
import org.tabserve.web.api.FeedbackOpenApi;
import org.tabserve.web.api.FlaskOpenApi;
import org.tabserve.web.api.JsonPredictRequest;
import org.tabserve.web.api.ModelApiHandler;
import org.tabserve.web.api.ModelApiOpenApi;
import org.tabserve.web.api.ModelIndexHandler;
import org.tabserve.web.api.OpenApiHandler;
import org.tabserve.web.api.PredictFileHandler;
import org.tabserve.web.api.PredictOpenApi;
import org.tabserve.web.api.QueryPredictHandler;
import org.tabserve.web.api.RolloutHandler;
import org.tabserve.web.http.HealthHandler;
import org.tabserve.web.http.ModelBytes;
import org.tabserve.web.http.RouteTable;
import org.tabserve.web.http.Routes;
import org.tabserve.web.http.Views;
import org.tabserve.web.http.WebConfig;
import org.tabserve.web.http.auth.Access;
import org.tabserve.web.metrics.MetricsHandler;
import org.tabserve.web.mlflow.InvocationsHandler;
import org.tabserve.web.mlflow.MlflowOpenApi;
import org.tabserve.web.mlflow.MlflowPingHandler;
import org.tabserve.web.openapi.OpenApiDocument;
import org.tabserve.web.openapi.OpenApiSecurity;
import org.tabserve.web.openapi.ServerOpenApi;
import org.tabserve.web.pages.ApiDocsHandler;
import org.tabserve.web.pages.FormHandler;
import org.tabserve.web.pages.ModelPageHandler;
import org.tabserve.web.pages.ModelsPageHandler;
import org.tabserve.web.pages.PythonClientHandler;
import org.tabserve.web.v2.V2Handler;
import org.tabserve.web.v2.V2OpenApi;

/**
 * Every route tabserve answers, in one table (see {@link RouteTable} for how to add one): the served model's routes (at
 * the root for the default model, under {@code /models/{name}/} for each), the API docs page, the Python client, the
 * index of the models, health, MLflow's service routes, the admin routes and the Open Inference Protocol, each with its
 * handler.
 */
final class TabserveRoutes {

    private TabserveRoutes() {}

    /**
     * @param upload the upload route, built by the listener, which stops its scoring pool with the app
     * @param access who may take each route (every route's scope is checked by it, but health's)
     * @param temp   where admin uploads are written before they are checked; null for the JVM's default
     * @param scoring the scoring entry point every route goes through, built by the listener, which stops its
     *                explanations' threads with the app
     */
    static RouteTable table(
            ServedModels served,
            WebConfig config,
            Views views,
            MemoryBudget budget,
            ModelBytes documents,
            Access access,
            Path temp,
            PredictFileHandler upload,
            Scoring scoring,
            String serverVersion) {
        FormHandler form = new FormHandler(views, config, budget, scoring);
        JsonPredictRequest json = new JsonPredictRequest(config, budget, scoring);
        QueryPredictHandler query = new QueryPredictHandler(config, json);
        // The document asks the table, built below and complete before any request, which of its paths are open.
        RouteTable[] table = new RouteTable[1];
        OpenApiHandler openApi = new OpenApiHandler(
                openApiDocument(
                        serverVersion,
                        new OpenApiSecurity(access.locked(), access.issuer(), path -> !table[0].asksScope(path))),
                budget,
                documents);
        TabserveMetrics metrics = served.metrics();
        ModelIndexHandler index =
                new ModelIndexHandler(budget, metrics, served.monitors(), served.repository(), access::notice);
        ModelsPageHandler modelsPage = new ModelsPageHandler(
                views, budget, metrics, served.monitors(), served.repository(), served.rollouts());
        ModelPageHandler card =
                new ModelPageHandler(views, budget, served, served.monitors().feedback());
        FeedbackHandler feedback =
                new FeedbackHandler(config, budget, served.monitors().feedback(), access);
        HealthHandler health = new HealthHandler(served.readiness());
        MlflowPingHandler mlflow = new MlflowPingHandler(serverVersion);
        AdminModelHandler admin = new AdminModelHandler(served, config, temp);
        RolloutHandler rollout = new RolloutHandler(config, access, served.rollouts());
        String adminRollout = AdminModelHandler.MODELS_PATH + "/{name}" + RolloutHandler.ADMIN_PATH;
        V2Handler v2 = new V2Handler(config, budget, serverVersion, access, scoring, served);
        String v2Model = V2Handler.PATH + "/models/{name}[/versions/{version}]";
        table[0] = RouteTable.builder()
                .mount(HealthHandler.PATH, RouteTable.ErrorShape.PROBLEM, HealthHandler.ROUTES_HINT)
                .mount(RouteTable.MODELS, RouteTable.ErrorShape.PROBLEM, ModelIndexHandler.ROUTES_HINT)
                .mount(AdminModelHandler.MODELS_PATH, RouteTable.ErrorShape.PROBLEM, AdminModelHandler.ROUTES_HINT)
                .mount(V2Handler.PATH, RouteTable.ErrorShape.OPEN_INFERENCE, V2Handler.ROUTES_HINT)
                // The served model's routes: the default model's at the root, each model's under /models/{name}/; the
                // root's GET is the models page instead when a model directory is served. Each route names the scope
                // a caller needs to take it (on the model its path names, if any), which the route servlet asks of
                // the access check; a route without one (health) is open to everyone.
                .model(Routes.FORM, Scope.READ, modelsPage.home(form::show), RouteTable.GET)
                .model(Routes.FORM, Scope.PREDICT, form::predict, RouteTable.POST)
                .model(Routes.CARD, Scope.READ, card::show, RouteTable.GET)
                .model(Routes.OLD_CARD, Scope.READ, card::moved, RouteTable.GET)
                .model(Routes.API_PREDICT, Scope.PREDICT, json::handle, RouteTable.POST)
                .model(Routes.API_MODEL, Scope.READ, new ModelApiHandler(served)::describe, RouteTable.GET)
                .model(Routes.FEEDBACK, Scope.LABEL, feedback::post, RouteTable.POST)
                .model(Routes.PREDICT, Scope.PREDICT, query::get, RouteTable.GET)
                .model(Routes.PREDICT, Scope.PREDICT, query::post, RouteTable.POST)
                .model(Routes.PREDICT_FILE, Scope.PREDICT, upload::predict, RouteTable.POST)
                .model(
                        InvocationsHandler.PATH,
                        Scope.PREDICT,
                        new InvocationsHandler(config, budget, scoring)::invoke,
                        RouteTable.POST)
                .model(Routes.OPENAPI_JSON, Scope.READ, openApi::json, RouteTable.GET)
                .model(Routes.OPENAPI_YAML, Scope.READ, openApi::yaml, RouteTable.GET)
                // The API's docs page and the Python client; the served models.
                .get(ApiDocsHandler.PATH, Scope.READ, new ApiDocsHandler(views)::show)
                .get(PythonClientHandler.PATH, Scope.READ, new PythonClientHandler()::download)
                .get(ModelIndexHandler.API_PATH, Scope.READ, index::list)
                .get(RouteTable.MODELS, Scope.READ, modelsPage::show)
                .get(RouteTable.MODELS + "/", Scope.READ, modelsPage::show)
                .route(RouteTable.MODEL_BASE, Scope.READ, index::addSlash, RouteTable.GET, RouteTable.POST)
                .get(RouteTable.MODELS + "/{name}" + RolloutHandler.PATH, Scope.READ, rollout::show)
                // The registry's series for Prometheus.
                .get(
                        MetricsHandler.PATH,
                        Scope.METRICS,
                        new MetricsHandler(budget, metrics, served.repository())::scrape)
                // Health, open to everyone; MLflow's service routes (its /health alias of /ping beside tabserve's
                // /health/*, open as health is).
                .get(HealthHandler.PATH + "/live", health::live)
                .get(HealthHandler.PATH + "/ready", health::ready)
                .get(MlflowPingHandler.PING, mlflow::ping)
                .get(MlflowPingHandler.HEALTH, mlflow::ping)
                .get(MlflowPingHandler.VERSION, Scope.READ, mlflow::version)
                // Putting models in while the server runs.
                // Off (404, whatever the method) without an admin token or API keys; 401 or 403 without the right one.
                .route(AdminModelHandler.PATH, access::guardAdmin, Scope.ADMIN, admin::swap, RouteTable.POST)
                .route(
                        AdminModelHandler.MODELS_PATH + "/{name}",
                        access::guardAdmin,
                        Scope.ADMIN,
                        admin::install,
                        RouteTable.PUT)
                .route(
                        AdminModelHandler.MODELS_PATH + "/{name}" + AdminModelHandler.RELOAD,
                        access::guardAdmin,
                        Scope.ADMIN,
                        admin::reload,
                        RouteTable.POST)
                // A model's rollout: set, promoted, rolled back.
                .route(adminRollout, access::guardAdmin, Scope.ADMIN, rollout::put, RouteTable.PUT)
                .route(adminRollout + "/promote", access::guardAdmin, Scope.ADMIN, rollout::promote, RouteTable.POST)
                .route(adminRollout + "/rollback", access::guardAdmin, Scope.ADMIN, rollout::rollback, RouteTable.POST)
                // The Open Inference Protocol, with its repository extension.
                .get(V2Handler.PATH, Scope.READ, v2::serverMetadata)
                .get(V2Handler.PATH + "/", Scope.READ, v2::serverMetadata)
                .get(V2Handler.PATH + "/health/live", v2::live)
                .get(V2Handler.PATH + "/health/ready", v2::ready)
                .get(
                        V2Handler.PATH + "/models/stats",
                        Scope.METRICS,
                        v2::stats) // before {name}: the statistics of every model
                .get(v2Model + "/stats", Scope.METRICS, v2::stats)
                .get(v2Model, Scope.READ, v2::modelMetadata)
                .get(v2Model + "/ready", Scope.READ, v2::modelReady)
                .post(v2Model + "/infer", Scope.PREDICT, v2::infer)
                .post(V2Handler.PATH + "/repository/index", Scope.READ, v2::index)
                // The repository's load and unload check their caller themselves (KServe's agent on the loopback
                // interface may send none: tabserve.admin-loopback), as their gRPC calls do.
                .post(V2Handler.PATH + "/repository/models/{name}/load", v2::load)
                .post(V2Handler.PATH + "/repository/models/{name}/unload", v2::unload)
                .build();
        return table[0];
    }

    /**
     * The roots of the routes a browser page of another origin may call when the server allows it ({@code
     * --cors-origins}): the JSON and data routes, at the root and under each model's own routes; not the pages, the
     * Python client, {@code /metrics}, the health probes (answered ahead of every filter under {@code java -jar}) nor
     * the admin routes.
     */
    private static final java.util.Set<String> CROSS_ORIGIN_ROOTS = java.util.Set.of(
            Routes.PREDICT,
            Routes.PREDICT_FILE,
            InvocationsHandler.PATH,
            Routes.OPENAPI_JSON,
            Routes.OPENAPI_YAML,
            MlflowPingHandler.VERSION);

    /**
     * @return whether a route, by its pattern as the table writes it, is one a page of another origin may call:
     *     {@code /api/*}, {@code /v2} and under it, and {@link #CROSS_ORIGIN_ROOTS}, at the root or under
     *     {@code /models/{name}[/versions/{version}]}
     */
    static boolean crossOrigin(String pattern) {
        String root = pattern;
        for (String base : List.of(RouteTable.MODEL_BASE, RouteTable.MODELS + "/{name}")) {
            if (pattern.startsWith(base + "/")) {
                root = pattern.substring(base.length());
                break;
            }
        }
        return root.startsWith("/api/")
                || root.equals(Routes.V2)
                || root.startsWith(Routes.V2 + "/")
                || CROSS_ORIGIN_ROOTS.contains(root);
    }

    /**
     * @param directory whether a model directory is served, whose home page ({@code /}) is the models page
     * @return whether a GET of a path (within the context) is the models page or {@code /api/models}, the answers
     *         about every model
     */
    static java.util.function.Predicate<String> dashboard(boolean directory) {
        return path -> path.equals(RouteTable.MODELS)
                || path.equals(RouteTable.MODELS + "/")
                || path.equals(ModelIndexHandler.API_PATH)
                || (directory && path.equals("/"));
    }

    /**
     * The OpenAPI document: each protocol's part, in the order the document lists their sections and routes, and the
     * credentials the server takes.
     */
    static OpenApiDocument openApiDocument(String serverVersion, OpenApiSecurity security) {
        return new OpenApiDocument(
                serverVersion,
                List.of(
                        new PredictOpenApi(),
                        new ModelApiOpenApi(),
                        new FeedbackOpenApi(),
                        new FlaskOpenApi(),
                        new V2OpenApi(),
                        new MlflowOpenApi(),
                        new ServerOpenApi(),
                        new AdminOpenApi()),
                security);
    }
}
