package org.tabserve.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tabserve.model.live.LiveProfile;
import org.tabserve.repository.ModelRepository;
import org.tabserve.serving.monitor.TabserveMetrics;
import org.tabserve.serving.rollout.Rollouts;

class ResolvedModelTest {

    /**
     * A request's model hands out the request's own state alone: what every request shares (the repository, the
     * readiness, the rollouts, the metrics, the live profiles) a handler is given when the route table builds it.
     */
    @Test
    void handsOutOnlyTheRequestsOwnState() {
        Set<Class<?>> shared = Set.of(
                ServedModels.class,
                ModelRepository.class,
                Readiness.class,
                Rollouts.class,
                TabserveMetrics.class,
                LiveProfile.class);
        List<String> found = Arrays.stream(ResolvedModel.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()))
                .filter(m -> shared.contains(m.getReturnType()))
                .map(Method::getName)
                .sorted()
                .toList();
        assertEquals(List.of(), found, "ResolvedModel hands out the served models' shared parts");
    }
}
