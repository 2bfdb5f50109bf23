package org.tabserve.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;

/**
 * {@link ModelIndex#firstByName()}, the default model every root-route request asks for, is kept between changes and
 * worked out again after each change it depends on: a version added, loaded (or loaded again with another card),
 * unloaded and forgotten. Each test asks first, so that a kept answer that missed the change would be seen.
 */
class DefaultModelChangesTest {

    private static Model carded;
    private static Model uncarded;
    private final ModelIndex index = new ModelIndex();
    private final List<ServedModel> gone = new ArrayList<>();

    @BeforeAll
    static void load() {
        carded = OnnxModelLoader.load(Models.BANKNOTE);
        uncarded = OnnxModelLoader.load(Models.BODY_MASS);
        assertTrue(carded.card().describesData() && !uncarded.card().describesData());
    }

    @AfterAll
    static void close() throws Exception {
        carded.close();
        uncarded.close();
    }

    private ServedModel serving(String name, Model model) throws Exception {
        ServedModel served = index.replace(new ModelKey(name, 1), gone::add);
        assertTrue(served.serve(model, FileStamp.of(Models.BANKNOTE)));
        return served;
    }

    @Test
    void aVersionAddedIsSeen() {
        assertEquals(Optional.empty(), index.firstByName(), "an empty index");
        index.replace(new ModelKey("m", 1), gone::add); // loading
        assertEquals(Optional.of("m"), index.firstByName(), "with nothing ready, the first of all");
    }

    @Test
    void aVersionLoadedIsSeen() throws Exception {
        serving("b", carded);
        ServedModel a = index.replace(new ModelKey("a", 1), gone::add);
        assertEquals(Optional.of("b"), index.firstByName(), "the ready one, while 'a' loads");
        assertTrue(a.serve(carded, FileStamp.of(Models.BANKNOTE)));
        assertEquals(Optional.of("a"), index.firstByName(), "'a' ready and carded, first by name");
    }

    @Test
    void aVersionServingAnotherCardIsSeen() throws Exception {
        ServedModel a = serving("a", uncarded);
        serving("b", carded);
        assertEquals(Optional.of("b"), index.firstByName(), "the carded one before an uncarded first by name");
        assertTrue(a.serve(carded, FileStamp.of(Models.BANKNOTE))); // a reload, now with a card
        assertEquals(Optional.of("a"), index.firstByName());
    }

    @Test
    void aVersionUnloadedIsSeen() throws Exception {
        ServedModel a = serving("a", carded);
        serving("b", carded);
        assertEquals(Optional.of("a"), index.firstByName());
        a.unload(); // unloading: no longer ready, though still in the index until its last lease
        assertEquals(Optional.of("b"), index.firstByName());
    }

    @Test
    void aVersionForgottenIsSeen() {
        ServedModel a = index.replace(new ModelKey("a", 1), gone::add);
        index.replace(new ModelKey("b", 1), gone::add); // loading
        a.unload();
        assertEquals(Optional.of("a"), index.firstByName(), "with nothing ready, the first of all, unloading or not");
        index.remove(a);
        assertEquals(Optional.of("b"), index.firstByName());
    }
}
