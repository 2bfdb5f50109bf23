package org.tabserve.model.answer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Where each row sent went: by the scored rows' places, by each row's place, or every row scored. */
class SentOrderTest {

    @Test
    void theScoredRowsPlacesPutTheRefusedBetweenThem() {
        SentOrder order = SentOrder.ofScored(5, new int[] {0, 3});
        assertEquals(5, order.sent());
        assertArrayEquals(new int[] {0, -1, -1, 1, -1}, order.indexes());
        assertEquals(SentOrder.REFUSED, order.scoredAt(4));
    }

    @Test
    void everyRowScoredIsInItsOwnPlace() {
        assertArrayEquals(new int[] {0, 1, 2}, SentOrder.allScored(3).indexes());
        assertArrayEquals(new int[0], SentOrder.allScored(0).indexes());
    }

    @Test
    void eachRowsPlaceIsCopiedAndARowNotSentIsNoPlace() {
        int[] at = {-1, 0};
        SentOrder order = SentOrder.of(at);
        at[1] = 7;
        assertEquals(0, order.scoredAt(1));
        assertThrows(IndexOutOfBoundsException.class, () -> order.scoredAt(2));
        assertThrows(
                IndexOutOfBoundsException.class, () -> SentOrder.allScored(2).scoredAt(-1));
    }
}
