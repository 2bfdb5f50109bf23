package org.tabserve.web.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.tabserve.serving.access.Scope;

/**
 * Every route tabserve answers, as data: a path pattern, the methods it takes and its {@link Handler}, under a mount
 * that says which error shape its failures take (tabserve's problem JSON, or the Open Inference Protocol's
 * {@code {"error": ...}}) and what its 404 suggests. One {@link RouteServlet} serves the whole table: it matches the
 * path, answers 404 (no route), 405 with {@code Allow} and {@code OPTIONS} for every route alike, resolves the model
 * the path names and hands it to the handler as an argument. Routes are data because models come and go while the
 * app runs: {@code /models/{name}/...} serves every one of them without registering anything.
 *
 * <p>A pattern is a path of literal segments and variables: {@code {name}} (a model's name) and {@code {version}}
 * (its version), which resolve the request's model; {@code [/versions/{version}]} is an optional part. A route made
 * with {@link Builder#model} is a route of the served model: it is answered on the root path for the default model
 * and under {@code /models/{name}[/versions/{version}]/} for the model the path names (one entry, both routes).
 *
 * <p><b>Adding a route</b> is one entry in the table the wiring builds ({@code TabserveRoutes}, beside the listener) plus
 * its handler, a method taking {@code (ResolvedModel, request, response)}, whose object the wiring builds with what is
 * not the request's own (the repository, readiness, rollouts) that it needs, and the {@link Scope} a caller needs to
 * take it (checked by the {@link Gate} before the handler runs; only health goes without):
 * <pre>{@code
 *     .get("/api/echo", Scope.READ, echo::answer)                       // a route of its own
 *     .model("/api/schema", Scope.READ, schema::answer, GET)            // and /models/{name}/api/schema
 * }</pre>
 * The metrics count it by its servlet mapping ({@link #mappings()}), the OpenAPI document lists it in its protocol's
 * part.
 */
public final class RouteTable {

    public static final String GET = "GET";
    public static final String POST = "POST";
    public static final String PUT = "PUT";

    /** The prefix of every model's own routes ({@code /models/{name}/...}) and of the index page. */
    public static final String MODELS = "/models";
    /** Where a model's own routes are: its name, and a version if the path names one. */
    public static final String MODEL_BASE = MODELS + "/{name}[/versions/{version}]";

    /** How a route's failures are written. */
    public enum ErrorShape {
        /** {@code application/problem+json} (RFC 9457), or an HTML page for browsers. */
        PROBLEM,
        /** The Open Inference Protocol's {@code {"error": "..."}}. */
        OPEN_INFERENCE
    }

    /**
     * A check that runs before anything else of its route, the method check included, so that a route it refuses
     * answers alike whatever the method: the admin routes are a 404 while they are off, also to {@code OPTIONS}.
     */
    @FunctionalInterface
    public interface Guard {
        Guard NONE = request -> {};

        /** @throws HttpProblem when the request may not reach the route */
        void check(jakarta.servlet.http.HttpServletRequest request);
    }

    /**
     * One route.
     *
     * @param pattern      as written in the table
     * @param methods      the methods its handler takes (HEAD comes with GET, OPTIONS with every route)
     * @param resolveFirst whether the model its path names is leased before anything else (404 or 503 before a 405),
     *                     as for every model's own routes
     * @param guard        what runs first, before the method check
     * @param scope        what a caller needs to take it, on the model its path names ({@link Gate}); null for a
     *                     route open to everyone (health)
     */
    public record Route(
            String pattern, Set<String> methods, Handler handler, boolean resolveFirst, Guard guard, Scope scope) {}

    /** A path prefix the table serves, with the error shape of its routes and what its 404 suggests. */
    record Mount(String prefix, ErrorShape shape, String hint) {
        boolean covers(String path) {
            return path.equals(prefix) || path.startsWith(prefix + "/");
        }
    }

    /** A route that a path matched, with the values of its variables. */
    record Match(Route route, Map<String, String> variables) {}

    /** A route's pattern as segments, one alternative of its optional part. */
    private record Compiled(Route route, String[] segments) {}

    /** The compiled patterns by their number of segments, each list in the table's order: a path is matched only
     * against patterns as long as it is. */
    private final Map<Integer, List<Compiled>> compiledByLength;
    /**
     * What {@link #match} answers for each path a pattern spells without variables ({@code /api/predict}), worked out
     * once: the routes most requests take, matched without splitting the path or building a list per request.
     */
    private final Map<String, List<Match>> fixedPaths;

    private final List<Route> routes;
    private final List<Mount> mounts;
    /** The root routes of the default model ({@link Builder#model}'s first route). */
    private final Set<Route> defaultModelRoutes;

    private RouteTable(List<Route> routes, List<Mount> mounts, List<Route> defaultModelRoutes) {
        this.routes = List.copyOf(routes);
        this.defaultModelRoutes = Set.copyOf(defaultModelRoutes);
        this.mounts = List.copyOf(mounts);
        List<Compiled> all = new ArrayList<>();
        for (Route route : routes) {
            for (String alternative : alternatives(route.pattern())) {
                all.add(new Compiled(route, alternative.substring(1).split("/", -1)));
            }
        }
        Map<Integer, List<Compiled>> byLength = new java.util.HashMap<>();
        for (Compiled one : all) {
            byLength.computeIfAbsent(one.segments().length, n -> new ArrayList<>())
                    .add(one);
        }
        byLength.replaceAll((n, list) -> List.copyOf(list));
        this.compiledByLength = Map.copyOf(byLength);
        Map<String, List<Match>> fixed = new java.util.HashMap<>();
        for (Compiled one : all) {
            if (java.util.Arrays.stream(one.segments()).noneMatch(RouteTable::isVariable)) {
                String path = "/" + String.join("/", one.segments());
                fixed.computeIfAbsent(
                        path,
                        p -> matchEach(p).stream()
                                .map(m -> new Match(m.route(), java.util.Collections.unmodifiableMap(m.variables())))
                                .toList());
            }
        }
        this.fixedPaths = Map.copyOf(fixed);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** @return every route, in the table's order */
    public List<Route> routes() {
        return routes;
    }

    /** @return whether a route of {@code path} asks its caller a scope (a person signs in for those) */
    public boolean asksScope(String path) {
        return match(path).stream().anyMatch(m -> m.route().scope() != null);
    }

    /** Every route that {@code path} (within the context, {@code /} for its root) matches, in the table's order. */
    List<Match> match(String path) {
        List<Match> fixed = fixedPaths.get(path);
        return fixed != null ? fixed : matchEach(path);
    }

    /** {@link #match}, each pattern of the path's length tried in turn. */
    private List<Match> matchEach(String path) {
        String[] parts = path.substring(1).split("/", -1);
        List<Match> matches = new ArrayList<>();
        for (Compiled candidate : compiledByLength.getOrDefault(parts.length, List.of())) {
            Map<String, String> variables = variables(candidate.segments(), parts);
            if (variables != null) {
                matches.add(new Match(candidate.route(), variables));
            }
        }
        return matches;
    }

    /**
     * The model a path's route serves, without resolving it: the one the path names, the default model on a model's
     * root route ({@code /api/predict}), else none ({@code /metrics}, the health routes, a path no route serves).
     *
     * @param path         within the context, {@code /} for its root
     * @param defaultModel the default model's name, asked only on a root route
     */
    public Optional<String> modelOf(String path, java.util.function.Supplier<Optional<String>> defaultModel) {
        for (Match match : match(path)) {
            if (match.variables().containsKey("name")) {
                return Optional.of(match.variables().get("name"));
            }
            if (defaultModelRoutes.contains(match.route())) {
                return defaultModel.get();
            }
        }
        return Optional.empty();
    }

    /**
     * The model one matched route is about: the one its path names, the default model's name on a model's root route,
     * else null (a route about no one model).
     */
    String modelOf(Match match, java.util.function.Supplier<Optional<String>> defaultModel) {
        String named = match.variables().get("name");
        if (named != null) {
            return named;
        }
        return defaultModelRoutes.contains(match.route()) ? defaultModel.get().orElse(null) : null;
    }

    /** The methods a path's routes take, with HEAD beside GET, and OPTIONS, sorted as {@code Allow} lists them. */
    static Set<String> allowed(List<Match> matches) {
        Set<String> methods = methodsOf(matches.stream().map(Match::route).toList());
        methods.add("OPTIONS");
        return methods;
    }

    /**
     * The routes {@code path} (within the context, {@code /} for its root) matches, in the table's order, the first
     * the one that answers it: what a filter in front of the route servlet asks of a path (none: no route serves it).
     */
    public List<Route> routesOf(String path) {
        return match(path).stream().map(Match::route).toList();
    }

    /** @return the methods these routes take, with HEAD beside GET, sorted (a new set the caller may add to) */
    public static Set<String> methodsOf(List<Route> routes) {
        Set<String> methods = new TreeSet<>();
        for (Route route : routes) {
            methods.addAll(route.methods());
            if (route.methods().contains(GET)) {
                methods.add("HEAD");
            }
        }
        return methods;
    }

    /** @return how failures on {@code path} (within the context) are written */
    public ErrorShape shapeOf(String path) {
        return mountOf(path).map(Mount::shape).orElse(ErrorShape.PROBLEM);
    }

    Optional<Mount> mountOf(String path) {
        return mounts.stream().filter(m -> m.covers(path)).findFirst();
    }

    /**
     * The servlet mappings the table is served under: each mount's prefix with {@code /*} (and the prefix itself when
     * a route is it), and every other route's own path ({@code ""} for the context root). They are the metrics'
     * {@code route} label, so that label values stay few whatever paths clients send.
     */
    public Set<String> mappings() {
        Set<String> mappings = new LinkedHashSet<>();
        for (Route route : routes) {
            String pattern = route.pattern();
            Optional<Mount> mount = mountOf(pattern);
            if (mount.isPresent()) {
                if (pattern.equals(mount.get().prefix())) {
                    mappings.add(pattern);
                }
                mappings.add(mount.get().prefix() + "/*");
            } else if (pattern.equals("/")) {
                mappings.add("");
            } else if (pattern.contains("{")) {
                throw new IllegalStateException("a route with variables must be under a mount: " + pattern);
            } else {
                mappings.add(pattern);
            }
        }
        return mappings;
    }

    /**
     * The values of the pattern's variables, or null when the path does not match it. Paths are checked against
     * every route on every request, so nothing is allocated for a pattern the path does not match.
     */
    private static Map<String, String> variables(String[] segments, String[] parts) {
        if (segments.length != parts.length) {
            return null;
        }
        boolean any = false;
        for (int i = 0; i < segments.length; i++) {
            if (isVariable(segments[i])) {
                if (parts[i].isEmpty()) {
                    return null;
                }
                any = true;
            } else if (!segments[i].equals(parts[i])) {
                return null;
            }
        }
        if (!any) {
            return Map.of();
        }
        Map<String, String> variables = new LinkedHashMap<>();
        for (int i = 0; i < segments.length; i++) {
            if (isVariable(segments[i])) {
                variables.put(segments[i].substring(1, segments[i].length() - 1), parts[i]);
            }
        }
        return variables;
    }

    private static boolean isVariable(String segment) {
        return segment.startsWith("{") && segment.endsWith("}");
    }

    /** A pattern with its optional part, {@code a[b]c}: the longer alternative first, {@code abc}, then {@code ac}. */
    private static List<String> alternatives(String pattern) {
        int open = pattern.indexOf('[');
        if (open < 0) {
            return List.of(pattern);
        }
        int close = pattern.indexOf(']', open);
        String before = pattern.substring(0, open);
        String after = pattern.substring(close + 1);
        return List.of(before + pattern.substring(open + 1, close) + after, before + after);
    }

    /** Builds the table; the wiring lists every route in one place. */
    public static final class Builder {
        private final List<Route> routes = new ArrayList<>();
        private final List<Mount> mounts = new ArrayList<>();
        private final List<Route> defaultModelRoutes = new ArrayList<>();

        private Builder() {}

        /**
         * A path prefix whose routes the table serves (all of them, so an unknown path under it is the table's 404).
         *
         * @param hint what its 404 adds after "no route for METHOD URI; ", naming the routes there are
         */
        public Builder mount(String prefix, ErrorShape shape, String hint) {
            mounts.add(new Mount(prefix, shape, hint));
            return this;
        }

        /** A route of its own, for the given methods, open to every caller (health). */
        public Builder route(String pattern, Handler handler, String... methods) {
            return route(pattern, Guard.NONE, null, handler, methods);
        }

        /** A route of its own that a caller needs {@code scope} to take (on the model its path names, if any). */
        public Builder route(String pattern, Scope scope, Handler handler, String... methods) {
            return route(pattern, Guard.NONE, scope, handler, methods);
        }

        /** A route of its own, open to every caller, that {@code guard} checks before anything else. */
        public Builder route(String pattern, Guard guard, Handler handler, String... methods) {
            return route(pattern, guard, null, handler, methods);
        }

        /**
         * A route of its own that {@code guard} checks before anything else (see {@link Guard}), and that a caller
         * needs {@code scope} to take.
         */
        public Builder route(String pattern, Guard guard, Scope scope, Handler handler, String... methods) {
            routes.add(new Route(pattern, Set.of(methods), handler, false, guard, scope));
            return this;
        }

        /** A GET route open to every caller. */
        public Builder get(String pattern, Handler handler) {
            return route(pattern, handler, GET);
        }

        /** A GET route that a caller needs {@code scope} to take. */
        public Builder get(String pattern, Scope scope, Handler handler) {
            return route(pattern, scope, handler, GET);
        }

        /** A POST route open to every caller. */
        public Builder post(String pattern, Handler handler) {
            return route(pattern, handler, POST);
        }

        /** A POST route that a caller needs {@code scope} to take. */
        public Builder post(String pattern, Scope scope, Handler handler) {
            return route(pattern, scope, handler, POST);
        }

        /**
         * A route of the served model: {@code rootPath} for the default model, and the same path under
         * {@link #MODEL_BASE}{@code /} for the model the path names ({@link Routes#in}: {@code /api/predict} is
         * {@code /models/{name}/api/predict}), leased before anything else.
         */
        public Builder model(String rootPath, Handler handler, String... methods) {
            return model(rootPath, null, handler, methods);
        }

        /** {@link #model(String, Handler, String...)}, which a caller needs {@code scope} on the model to take. */
        public Builder model(String rootPath, Scope scope, Handler handler, String... methods) {
            Route root = new Route(rootPath, Set.of(methods), handler, false, Guard.NONE, scope);
            routes.add(root);
            defaultModelRoutes.add(root);
            routes.add(new Route(
                    MODEL_BASE + "/" + Routes.in(rootPath), Set.of(methods), handler, true, Guard.NONE, scope));
            return this;
        }

        public RouteTable build() {
            RouteTable table = new RouteTable(routes, mounts, defaultModelRoutes);
            table.mappings(); // refuses a pattern with variables outside every mount
            return table;
        }
    }
}
