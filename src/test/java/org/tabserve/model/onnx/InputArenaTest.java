package org.tabserve.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.OutputKind;

/** The thread's reused input buffer: sized per input and aligned, reused by the next bind, none for a large one. */
class InputArenaTest {

    /** One input of three float features. */
    private static final ModelSignature SIGNATURE = ModelSignature.floatClassifier(
            "input", List.of("a", "b", "c"), List.of("0", "1"), OutputKind.PROBABILITIES);

    @Test
    void anInputTakesItsBytesRoundedUpToEight() {
        ModelInput input = SIGNATURE.inputs().get(0);
        assertEquals(16, InputArena.bytes(input, 1), "3 floats, 12 bytes, rounded up");
        assertEquals(24, InputArena.bytes(input, 2));
    }

    @Test
    void slicesFollowOneAnotherAlignedAndTheNextBindReusesTheBuffer() {
        ByteBuffer arena = InputArena.of(SIGNATURE, 1);
        ByteBuffer first = InputArena.slice(arena, 12);
        assertEquals(12, first.capacity());
        assertTrue(first.isDirect());
        assertEquals(16, arena.position(), "the next slice starts aligned");
        InputArena.slice(arena, 4);
        assertEquals(24, arena.position());
        assertSame(arena, InputArena.of(SIGNATURE, 1), "this thread's buffer, cleared");
        assertEquals(0, arena.position());
    }

    @Test
    void aBindTooLargeForTheBufferGetsBuffersOfItsOwn() {
        assertNull(InputArena.of(SIGNATURE, 1 << 20));
        ByteBuffer own = InputArena.slice(null, 12);
        assertEquals(12, own.capacity());
        assertNotSame(own, InputArena.slice(null, 12));
    }
}
