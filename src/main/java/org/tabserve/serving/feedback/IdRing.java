package org.tabserve.serving.feedback;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids kept first in, first out, with a few numbers each, in flat arrays with an open-addressing index: the
 * recent answers' keys without an object per request. Kept as objects (a map entry, the id's string, the answer's
 * arrays), every request's answer outlived a few young collections, was copied by each and then promoted, which made
 * each young pause about ten times longer under load (bench/RESULTS.notes.md, "Issue 38, goal 1: the answers kept
 * for labels").
 *
 * <p>An id is stored as its ASCII bytes, up to {@link #MAX_ID_LENGTH} (what {@link RequestIds} accepts); others are
 * not {@linkplain #storable storable}. An id is kept per client ({@code owner}: the name of the caller its answer was
 * given to, empty for one that sent no credential), so that two clients' ids never meet: the same id of two clients
 * is two slots, and {@link #find} finds only the slot of the client it is asked for. A slot holds the time it was
 * added, one {@code long} and one flag for its owner, and an object only where its owner needs one (an answer of many
 * rows). Slots are removed oldest first, or
 * from the middle (then skipped when they become the oldest). The index hashes with a seed drawn when the JVM starts,
 * so that ids chosen to collide cannot be made ahead, and keeps each slot's hash, so that an id is hashed once. Not
 * thread-safe: its owner locks.
 */
final class IdRing {

    /** The longest id stored: {@link RequestIds}' limit. */
    static final int MAX_ID_LENGTH = 128;
    /**
     * The heap a slot takes: its id's bytes, length and hash, time, number, flag, object and client references and two
     * index entries.
     */
    static final int SLOT_BYTES = MAX_ID_LENGTH + 1 + 4 + 8 + 8 + 1 + 4 + 4 + 2 * 4;
    /** The client of ids kept without one: a caller that sent no credential. */
    static final String ANONYMOUS = "";

    /** The index's hash seed: one per JVM, so that a ring can take another's ids with their hashes. */
    private static final long SEED = ThreadLocalRandom.current().nextLong() | 1;

    private final int initialCapacity;
    private int capacity; // a power of two
    private byte[] ids; // slot * MAX_ID_LENGTH
    private byte[] lengths; // 0: a free or removed slot
    private int[] hashes; // each slot's id's hash, so that the index's runs are moved without hashing again
    private long[] at;
    private long[] numbers;
    private boolean[] flags;
    private Object[] objects;
    private String[] owners; // each slot's client ({@link #ANONYMOUS}: none)
    private int[] index; // slot + 1, 0 for none; twice the capacity
    private int head; // the oldest slot in use (live or removed)
    private int used; // slots from head on, removed ones included
    private int live;

    /** @param initialCapacity slots at first (rounded up to a power of two); the ring doubles as it needs */
    IdRing(int initialCapacity) {
        this.initialCapacity = Math.max(2, Integer.highestOneBit(Math.max(1, initialCapacity - 1)) << 1);
        allocate(this.initialCapacity);
    }

    private void allocate(int slots) {
        capacity = slots;
        ids = new byte[slots * MAX_ID_LENGTH];
        lengths = new byte[slots];
        hashes = new int[slots];
        at = new long[slots];
        numbers = new long[slots];
        flags = new boolean[slots];
        objects = new Object[slots];
        owners = new String[slots];
        index = new int[slots * 2];
        head = 0;
        used = 0;
        live = 0;
    }

    /** @return whether {@code id} can be kept: 1 to {@value #MAX_ID_LENGTH} ASCII characters */
    static boolean storable(String id) {
        int length = id.length();
        if (length == 0 || length > MAX_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (id.charAt(i) > 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** @return how many ids are kept */
    int size() {
        return live;
    }

    /**
     * Keeps {@code id} as the newest, its number 0, its flag false and no object.
     *
     * @return its slot
     * @throws IllegalArgumentException when the id is not {@linkplain #storable storable}
     */
    int add(String id, long time) {
        if (!storable(id)) {
            throw new IllegalArgumentException("not a storable id");
        }
        return add(id, hash(id), time);
    }

    /** As {@link #add(String, long)}, for a {@linkplain #storable storable} id of {@link #hash} {@code hash}. */
    int add(String id, int hash, long time) {
        return add(ANONYMOUS, id, hash, time);
    }

    /**
     * As {@link #add(String, int, long)}, for client {@code owner}'s id, of {@link #hash(String, String)}
     * {@code hash}.
     */
    int add(String owner, String id, int hash, long time) {
        int slot = reserve();
        for (int i = 0; i < id.length(); i++) {
            ids[slot * MAX_ID_LENGTH + i] = (byte) id.charAt(i);
        }
        return place(slot, id.length(), hash, owner, time);
    }

    /** Keeps the id of {@code other}'s {@code otherSlot} (its client's) as the newest here, as {@link #add} does. */
    int addFrom(IdRing other, int otherSlot, long time) {
        int slot = reserve();
        int length = other.lengths[otherSlot] & 0xff;
        System.arraycopy(other.ids, otherSlot * MAX_ID_LENGTH, ids, slot * MAX_ID_LENGTH, length);
        return place(slot, length, other.hashes[otherSlot], other.owners[otherSlot], time);
    }

    private int reserve() {
        if (used == capacity) {
            grow();
        }
        return (head + used) & (capacity - 1);
    }

    private int place(int slot, int length, int hash, String owner, long time) {
        lengths[slot] = (byte) length;
        hashes[slot] = hash;
        owners[slot] = owner;
        at[slot] = time;
        numbers[slot] = 0;
        flags[slot] = false;
        objects[slot] = null;
        used++;
        live++;
        int mask = index.length - 1;
        int i = hash & mask;
        while (index[i] != 0) {
            i = (i + 1) & mask;
        }
        index[i] = slot + 1;
        return slot;
    }

    /** Twice the slots, the live ones moved to the front in their order (removed ones dropped), the index rebuilt. */
    private void grow() {
        byte[] oldIds = ids;
        byte[] oldLengths = lengths;
        int[] oldHashes = hashes;
        long[] oldAt = at;
        long[] oldNumbers = numbers;
        boolean[] oldFlags = flags;
        Object[] oldObjects = objects;
        String[] oldOwners = owners;
        int oldCapacity = capacity;
        int oldHead = head;
        int oldUsed = used;
        allocate(live * 2 >= oldCapacity ? oldCapacity * 2 : oldCapacity);
        for (int k = 0; k < oldUsed; k++) {
            int from = (oldHead + k) & (oldCapacity - 1);
            int length = oldLengths[from] & 0xff;
            if (length == 0) {
                continue;
            }
            int slot = used;
            System.arraycopy(oldIds, from * MAX_ID_LENGTH, ids, slot * MAX_ID_LENGTH, length);
            place(slot, length, oldHashes[from], oldOwners[from], oldAt[from]);
            numbers[slot] = oldNumbers[from];
            flags[slot] = oldFlags[from];
            objects[slot] = oldObjects[from];
        }
    }

    /** @return the slot of {@code id} (kept without a client), or -1 when it is not kept */
    int find(String id) {
        return find(ANONYMOUS, id);
    }

    /** @return the slot of client {@code owner}'s {@code id}, or -1 when it is not kept */
    int find(String owner, String id) {
        return storable(id) ? find(owner, id, hash(owner, id)) : -1;
    }

    /** As {@link #find(String)}, for a {@linkplain #storable storable} id of {@link #hash} {@code hash}. */
    int find(String id, int hash) {
        return find(ANONYMOUS, id, hash);
    }

    /** As {@link #find(String, String)}, for an id of {@link #hash(String, String)} {@code hash}. */
    int find(String owner, String id, int hash) {
        int length = id.length();
        int mask = index.length - 1;
        for (int i = hash & mask; index[i] != 0; i = (i + 1) & mask) {
            int slot = index[i] - 1;
            if (hashes[slot] == hash
                    && (lengths[slot] & 0xff) == length
                    && sameId(slot, id)
                    && owners[slot].equals(owner)) {
                return slot;
            }
        }
        return -1;
    }

    private boolean sameId(int slot, String id) {
        int base = slot * MAX_ID_LENGTH;
        for (int c = 0; c < id.length(); c++) {
            if (ids[base + c] != (byte) id.charAt(c)) {
                return false;
            }
        }
        return true;
    }

    /** @return the oldest kept slot, or -1 when none is */
    int oldest() {
        while (used > 0 && lengths[head] == 0) {
            head = (head + 1) & (capacity - 1);
            used--;
        }
        return used == 0 ? -1 : head;
    }

    /** @return the kept slot after {@code slot} (a kept one) in the order they were added, or -1 when none is */
    int next(int slot) {
        for (int k = ((slot - head) & (capacity - 1)) + 1; k < used; k++) {
            int next = (head + k) & (capacity - 1);
            if (lengths[next] != 0) {
                return next;
            }
        }
        return -1;
    }

    /** Lets the id of {@code slot} go (its object too). */
    void remove(int slot) {
        int length = lengths[slot] & 0xff;
        if (length == 0) {
            throw new IllegalStateException("slot " + slot + " is not in use");
        }
        int mask = index.length - 1;
        int i = hashes[slot] & mask;
        while (index[i] != slot + 1) {
            i = (i + 1) & mask;
        }
        // Linear probing's deletion: move back every later entry of the run that the hole would hide.
        int hole = i;
        for (int j = (hole + 1) & mask; index[j] != 0; j = (j + 1) & mask) {
            int other = index[j] - 1;
            int home = hashes[other] & mask;
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                index[hole] = index[j];
                hole = j;
            }
        }
        index[hole] = 0;
        lengths[slot] = 0;
        objects[slot] = null;
        owners[slot] = null;
        live--;
        oldest();
    }

    /** Lets every id go; the arrays shrink back to their first size. */
    void clear() {
        allocate(initialCapacity);
    }

    long at(int slot) {
        return at[slot];
    }

    long number(int slot) {
        return numbers[slot];
    }

    void number(int slot, long value) {
        numbers[slot] = value;
    }

    boolean flag(int slot) {
        return flags[slot];
    }

    void flag(int slot, boolean value) {
        flags[slot] = value;
    }

    Object object(int slot) {
        return objects[slot];
    }

    void object(int slot, Object value) {
        objects[slot] = value;
    }

    /** @return the client whose id {@code slot} keeps ({@link #ANONYMOUS}: none) */
    String owner(int slot) {
        return owners[slot];
    }

    /** @return the id of {@code slot} as a string (for tests and messages) */
    String id(int slot) {
        return new String(ids, slot * MAX_ID_LENGTH, lengths[slot] & 0xff, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** @return the index's hash of {@code id}, to find it and then add it without hashing it twice */
    static int hash(String id) {
        return finish(mix(SEED ^ id.length(), id));
    }

    /**
     * @return the index's hash of client {@code owner}'s {@code id}: {@link #hash(String)} for an id kept without a
     *         client, else the client's name and the id, each with its length, so that no two clients' ids share
     *         their hashes by design
     */
    static int hash(String owner, String id) {
        if (owner.isEmpty()) {
            return hash(id);
        }
        long h = mix(SEED ^ ((long) owner.length() << 32), owner);
        return finish(mix(h ^ id.length(), id));
    }

    /** @return {@code h} with {@code text}'s characters mixed in, eight bytes a round */
    private static long mix(long h, String text) {
        int length = text.length();
        for (int c = 0; c < length; ) { // eight characters (bytes, the id being ASCII) a round
            long word = 0;
            for (int end = Math.min(length, c + 8); c < end; c++) {
                word = word << 8 | (text.charAt(c) & 0xff);
            }
            h = (h ^ word) * 0x9E3779B97F4A7C15L;
            h ^= h >>> 29;
        }
        return h;
    }

    private static int finish(long h) {
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return (int) h;
    }
}
