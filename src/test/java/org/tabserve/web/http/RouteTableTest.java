package org.tabserve.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    private static final Handler PREDICT = (model, request, response) -> {};
    private static final Handler SHOW = (model, request, response) -> {};
    private static final Handler FORM = (model, request, response) -> {};
    private static final Handler INFER = (model, request, response) -> {};

    private static final RouteTable TABLE = RouteTable.builder()
            .mount(RouteTable.MODELS, RouteTable.ErrorShape.PROBLEM, "each model has ...")
            .mount("/v2", RouteTable.ErrorShape.OPEN_INFERENCE, "the protocol's routes are ...")
            .model("/", FORM, RouteTable.GET)
            .model("/", FORM, RouteTable.POST)
            .model("/api/predict", PREDICT, RouteTable.POST)
            .get(RouteTable.MODELS, SHOW)
            .post("/v2/models/{name}[/versions/{version}]/infer", INFER)
            .build();

    private static RouteTable.Match only(String path) {
        List<RouteTable.Match> matches = TABLE.match(path);
        assertEquals(1, matches.size(), () -> path + " matched " + matches);
        return matches.get(0);
    }

    @Test
    void aModelRouteIsTheDefaultModelsAtTheRootAndEachModelsUnderItsName() {
        RouteTable.Match root = only("/api/predict");
        assertEquals(PREDICT, root.route().handler());
        assertEquals(Map.of(), root.variables(), "no name: the default model");
        assertTrue(!root.route().resolveFirst());
        RouteTable.Match named = only("/models/iris/api/predict");
        assertEquals(PREDICT, named.route().handler());
        assertEquals(Map.of("name", "iris"), named.variables());
        assertTrue(named.route().resolveFirst(), "a model the path names is looked up before anything else");
        assertEquals(
                Map.of("name", "iris", "version", "2"),
                only("/models/iris/versions/2/api/predict").variables());
    }

    @Test
    void theCardIsCardAtTheRootAndUnderAModelsOwnRoutes() {
        RouteTable table = RouteTable.builder()
                .mount(RouteTable.MODELS, RouteTable.ErrorShape.PROBLEM, "")
                .model(Routes.CARD, SHOW, RouteTable.GET)
                .build();
        assertEquals(1, table.match("/card").size());
        assertEquals(
                Map.of("name", "iris"), table.match("/models/iris/card").get(0).variables());
        assertEquals(List.of(), table.match("/model"), "the old name is a route of its own (a redirect)");
    }

    @Test
    void aPathMatchesOnlyWholeSegmentsAndAVariableIsNeverEmpty() {
        assertEquals(List.of(), TABLE.match("/models//api/predict"));
        assertEquals(List.of(), TABLE.match("/api/predict/"));
        assertEquals(List.of(), TABLE.match("/models/iris/api"));
        assertEquals(List.of(), TABLE.match("/v2/models/iris/versions//infer"));
        assertEquals(
                Map.of("name", "iris", "version", "3"),
                only("/v2/models/iris/versions/3/infer").variables());
    }

    @Test
    void theAllowHeaderListsEveryMethodOfThePathsRoutesWithHeadBesideGet() {
        assertEquals(Set.of("GET", "HEAD", "OPTIONS", "POST"), RouteTable.allowed(TABLE.match("/")));
        assertEquals(List.of("OPTIONS", "POST"), List.copyOf(RouteTable.allowed(TABLE.match("/api/predict"))));
        assertEquals(
                List.of("GET", "HEAD", "OPTIONS", "POST"),
                List.copyOf(RouteTable.allowed(TABLE.match("/models/iris/"))),
                "sorted as Allow lists them");
    }

    @Test
    void theErrorShapeIsTheMountsAndTheOpenInferenceProtocolOwnsV2Only() {
        assertEquals(RouteTable.ErrorShape.OPEN_INFERENCE, TABLE.shapeOf("/v2"));
        assertEquals(RouteTable.ErrorShape.OPEN_INFERENCE, TABLE.shapeOf("/v2/no/such/route"));
        assertEquals(RouteTable.ErrorShape.PROBLEM, TABLE.shapeOf("/v2x"));
        assertEquals(RouteTable.ErrorShape.PROBLEM, TABLE.shapeOf("/api/predict"));
        assertEquals(RouteTable.ErrorShape.PROBLEM, TABLE.shapeOf("/models/iris/api/predict"));
    }

    @Test
    void theServletMappingsAreEachMountsPrefixAndEveryOtherRoutesOwnPath() {
        assertEquals(Set.of("", "/api/predict", "/models", "/models/*", "/v2/*"), TABLE.mappings());
    }

    @Test
    void aRouteWithVariablesOutsideEveryMountIsRefused() {
        assertThrows(
                IllegalStateException.class,
                () -> RouteTable.builder().get("/things/{name}", SHOW).build());
    }
}
