package org.tabserve.serving.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The ring of ids against a {@link LinkedHashMap} doing the same: ids added, found, let go oldest first or from the
 * middle, through many growths and wrap-arounds, give the same answers and the same order, with their numbers, flags
 * and objects.
 */
class IdRingTest {

    @Test
    void eachClientsIdsAreItsOwnThroughGrowthRemovalsAndTheRingOfIdsLetGo() {
        IdRing ring = new IdRing(2);
        IdRing gone = new IdRing(2);
        List<String> clients = List.of("", "alice", "bob", "alice:bob", "1:a");
        for (int i = 0; i < 500; i++) {
            for (String client : clients) {
                ring.number(ring.add(client, "r" + i, IdRing.hash(client, "r" + i), i), clients.indexOf(client));
            }
        }
        assertEquals(2_500, ring.size());
        for (int i = 0; i < 500; i += 7) {
            for (String client : clients) {
                int slot = ring.find(client, "r" + i);
                assertTrue(slot >= 0, client + "'s r" + i);
                assertEquals(client, ring.owner(slot));
                assertEquals(clients.indexOf(client), ring.number(slot), "each client's own slot");
            }
            assertEquals(-1, ring.find("carol", "r" + i), "an id no client carol chose");
        }
        assertEquals(ring.find("r3"), ring.find("", "r3"), "an id without a client is the anonymous caller's");
        assertEquals(IdRing.hash("r3"), IdRing.hash("", "r3"), "hashed as before callers were told apart");
        int bobs = ring.find("bob", "r9");
        gone.addFrom(ring, bobs, 9);
        ring.remove(bobs);
        assertEquals(-1, ring.find("bob", "r9"));
        assertTrue(ring.find("alice", "r9") >= 0, "alice's r9 stays when bob's goes");
        assertTrue(gone.find("bob", "r9") >= 0, "bob's r9 is remembered as bob's");
        assertEquals(-1, gone.find("alice", "r9"));
        assertEquals(-1, gone.find("r9"));
    }

    @Test
    void behavesAsAnInsertionOrderedMapThroughRandomAddsFindsAndRemovals() {
        Random random = new Random(38);
        IdRing ring = new IdRing(4);
        Map<String, Long> model = new LinkedHashMap<>();
        List<String> everAdded = new ArrayList<>();
        for (int step = 0; step < 60_000; step++) {
            int op = random.nextInt(10);
            if (op < 4 || model.isEmpty()) {
                String id = random.nextInt(3) == 0
                        ? UUID.randomUUID().toString()
                        : "id-" + random.nextInt(5_000) + "-" + step; // short, many sharing a prefix
                int slot = ring.add(id, step);
                ring.number(slot, step * 7L);
                ring.flag(slot, step % 2 == 0);
                model.put(id, (long) step);
                everAdded.add(id);
            } else if (op < 7) {
                String id = everAdded.get(random.nextInt(everAdded.size()));
                int slot = ring.find(id);
                assertEquals(model.containsKey(id), slot >= 0, id);
                if (slot >= 0) {
                    assertEquals(model.get(id), ring.at(slot));
                    assertEquals(model.get(id) * 7L, ring.number(slot));
                    assertEquals(model.get(id) % 2 == 0, ring.flag(slot));
                    assertEquals(id, ring.id(slot));
                }
            } else if (op < 9) {
                int slot = ring.oldest();
                String first = model.keySet().iterator().next();
                assertEquals(first, ring.id(slot), "the oldest");
                ring.remove(slot);
                model.remove(first);
            } else {
                String id = new ArrayList<>(model.keySet()).get(random.nextInt(model.size()));
                ring.remove(ring.find(id));
                model.remove(id);
            }
            assertEquals(model.size(), ring.size());
        }
        // Every id left is found, in order, and every one let go is not.
        for (String id : model.keySet()) {
            int slot = ring.oldest();
            assertEquals(id, ring.id(slot));
            ring.remove(slot);
        }
        assertEquals(-1, ring.oldest());
        for (String id : everAdded) {
            assertEquals(-1, ring.find(id), id);
        }
    }

    @Test
    void anIdIsStorableAsRequestIdsTakeItAndOthersAreNeverFound() {
        IdRing ring = new IdRing(2);
        String longest = "a".repeat(IdRing.MAX_ID_LENGTH);
        assertTrue(IdRing.storable(longest));
        assertEquals(longest, ring.id(ring.add(longest, 0)));
        assertTrue(ring.find(longest) >= 0);
        for (String bad : new String[] {"", "a".repeat(IdRing.MAX_ID_LENGTH + 1), "é", "id\u2028"}) {
            assertFalse(IdRing.storable(bad), bad);
            assertEquals(-1, ring.find(bad));
            assertThrows(IllegalArgumentException.class, () -> ring.add(bad, 0));
        }
        assertEquals(-1, ring.find(longest.substring(1)), "a prefix is another id");
    }

    @Test
    void anObjectLeavesWithItsSlotAndClearStartsAgain() {
        IdRing ring = new IdRing(2);
        int slot = ring.add("a", 1);
        ring.object(slot, new int[] {1, 2});
        ring.remove(slot);
        int again = ring.add("a", 2);
        assertEquals(null, ring.object(again), "a new slot has no object");
        for (int i = 0; i < 100; i++) {
            ring.add("x" + i, i);
        }
        ring.clear();
        assertEquals(0, ring.size());
        assertEquals(-1, ring.find("x5"));
        assertEquals(-1, ring.oldest());
    }
}
