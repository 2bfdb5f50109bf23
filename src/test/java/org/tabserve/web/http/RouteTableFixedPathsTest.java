package org.tabserve.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A path a pattern spells without variables is matched from what the table worked out once: the same routes, in the
 * table's order, with the same variables (a variable pattern that also matches it included), as any other path.
 */
class RouteTableFixedPathsTest {

    private static final Handler PREDICT = (model, request, response) -> {};
    private static final Handler SHOW = (model, request, response) -> {};
    private static final Handler FORM = (model, request, response) -> {};
    private static final Handler INDEX = (model, request, response) -> {};

    private static final RouteTable TABLE = RouteTable.builder()
            .mount(RouteTable.MODELS, RouteTable.ErrorShape.PROBLEM, "each model has ...")
            .model("/", FORM, RouteTable.GET)
            .model("/api/predict", PREDICT, RouteTable.POST)
            .get(RouteTable.MODELS, SHOW)
            .get("/models/index/api/predict", INDEX) // also matched by the default model's named route
            .build();

    @Test
    void aFixedPathMatchesItsRoutesInTheTablesOrderWithTheirVariables() {
        List<RouteTable.Match> predict = TABLE.match("/api/predict");
        assertEquals(1, predict.size());
        assertSame(PREDICT, predict.get(0).route().handler());
        assertEquals(Map.of(), predict.get(0).variables());
        assertSame(predict, TABLE.match(new String("/api/predict")), "worked out once, found by an equal path");

        List<RouteTable.Match> both = TABLE.match("/models/index/api/predict");
        assertEquals(2, both.size(), both::toString);
        assertSame(PREDICT, both.get(0).route().handler(), "the table's order: the model's route first");
        assertEquals(Map.of("name", "index"), both.get(0).variables());
        assertSame(INDEX, both.get(1).route().handler());
        assertEquals(Map.of(), both.get(1).variables());

        assertEquals(1, TABLE.match("/").size());
        assertEquals(1, TABLE.match("/models").size());
    }

    @Test
    void otherPathsAreStillMatchedPatternByPattern() {
        List<RouteTable.Match> named = TABLE.match("/models/iris/api/predict");
        assertEquals(1, named.size());
        assertEquals(Map.of("name", "iris"), named.get(0).variables());
        assertEquals(
                Map.of("name", "iris", "version", "2"),
                TABLE.match("/models/iris/versions/2/api/predict").get(0).variables());
        assertEquals(List.of(), TABLE.match("/api/predict/"), "a trailing slash is another path");
        assertEquals(List.of(), TABLE.match("/api"));
    }
}
