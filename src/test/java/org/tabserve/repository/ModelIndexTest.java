package org.tabserve.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
 * {@link ModelIndex} lends the highest ready version, treats a model whose versions all unload as gone, counts
 * against {@code --max-models} only what is loaded or loading, and forgets a version only while it is the one
 * there; the repository's own tests cover the same answers through its directory scans.
 */
class ModelIndexTest {

    private static Model banknote;
    private final ModelIndex index = new ModelIndex();
    private final List<ServedModel> gone = new ArrayList<>();

    @BeforeAll
    static void load() {
        banknote = OnnxModelLoader.load(Models.BANKNOTE);
    }

    @AfterAll
    static void close() throws Exception {
        banknote.close();
    }

    private ServedModel ready(String name, long version) throws Exception {
        ServedModel served = index.replace(new ModelKey(name, version), gone::add);
        assertTrue(served.serve(banknote, FileStamp.of(Models.BANKNOTE)));
        return served;
    }

    @Test
    void lendsTheHighestReadyVersionAndNamesTheOthersWhenAskedForOneNotReady() throws Exception {
        ready("banknote", 1);
        ready("banknote", 2);
        index.replace(new ModelKey("banknote", 3), gone::add).failed("broken");
        try (Lease lease = index.lease("banknote")) {
            assertEquals(2, lease.version());
        }
        RepositoryException three = assertThrows(RepositoryException.class, () -> index.lease("banknote", 3));
        assertEquals(
                "version 3 of model 'banknote' is not loaded (version 3 UNAVAILABLE (broken)); loaded versions:"
                        + " [1, 2]",
                three.getMessage());
        assertEquals(List.of(1L, 2L), index.readyVersions("banknote"));
    }

    @Test
    void aModelWhoseVersionsAllUnloadIsNotFoundAndOneNeverReadySaysWhy() throws Exception {
        index.replace(new ModelKey("banknote", 1), gone::add).unload(); // the repository decides when to forget it
        index.replace(new ModelKey("species", 1), gone::add).failed("no such file");
        RepositoryException unloaded = assertThrows(RepositoryException.class, () -> index.lease("banknote"));
        assertEquals(RepositoryException.Kind.NOT_FOUND, unloaded.kind());
        assertEquals("no model named 'banknote'; models: [banknote, species]", unloaded.getMessage());
        RepositoryException failed = assertThrows(RepositoryException.class, () -> index.lease("species"));
        assertEquals(RepositoryException.Kind.UNAVAILABLE, failed.kind());
        assertEquals("model 'species' is not ready: version 1 UNAVAILABLE (no such file)", failed.getMessage());
        assertEquals(Optional.of("banknote"), index.firstByName(), "no ready model: the first by name");
        assertFalse(index.anyReady());
    }

    @Test
    void theRoomTakenIsWhatIsLoadedOrLoadingBesidesTheVersionAsked() throws Exception {
        ready("a", 1);
        index.replace(new ModelKey("b", 1), gone::add); // loading
        index.replace(new ModelKey("c", 1), gone::add).failed("broken");
        index.replace(new ModelKey("d", 1), gone::add).unload();
        assertEquals(2, index.busyBesides(new ModelKey("e", 1)));
        assertEquals(1, index.busyBesides(new ModelKey("a", 1)));
        assertEquals(Optional.of("a"), index.firstByName());
    }

    @Test
    void aVersionIsForgottenOnlyWhileItIsTheOneThere() {
        ServedModel old = index.replace(new ModelKey("banknote", 1), gone::add);
        old.unload();
        ServedModel fresh = index.replace(new ModelKey("banknote", 1), gone::add);
        index.remove(old);
        assertSame(fresh, index.get(new ModelKey("banknote", 1)), "a new load took the old one's place");
        index.remove(fresh);
        assertEquals(List.of(), index.names());
        assertEquals(List.of(old), gone);
    }
}
