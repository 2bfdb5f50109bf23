package org.tabserve.web.http.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.WebConfig;
import org.tabserve.web.http.request.MediaType;

class ConcurrencySlotsTest {

    @Test
    void uploadsTakeAtMostTheirShareAndSmallRequestsStillFindTheRest() {
        ConcurrencySlots slots = new ConcurrencySlots(4, 2);
        assertNull(slots.take(true));
        assertNull(slots.take(true));
        HttpProblem third = slots.take(true);
        assertEquals(503, third.status());
        assertTrue(
                third.getMessage().contains("busy with 2 uploads (multipart, chunked or large bodies")
                        && third.getMessage().contains(WebConfig.MAX_CONCURRENT_UPLOADS),
                third.getMessage());
        assertEquals(Map.of("Retry-After", "1", "Connection", "close"), third.headers());
        assertNull(slots.take(false), "small requests have the slots uploads may not take");
        assertNull(slots.take(false));
        HttpProblem full = slots.take(false);
        assertEquals(503, full.status());
        assertTrue(
                full.getMessage().contains("busy with 4 requests")
                        && full.getMessage().contains(WebConfig.MAX_CONCURRENT_REQUESTS),
                full.getMessage());
        assertEquals(Map.of("Retry-After", "1"), full.headers());
        slots.release(true);
        assertNull(slots.take(true), "an upload's slot given back serves the next upload");
    }

    @Test
    void anUploadRefusedForWantOfAnySlotGivesBackItsShare() {
        ConcurrencySlots slots = new ConcurrencySlots(2, 1);
        assertNull(slots.take(false));
        assertNull(slots.take(false));
        assertTrue(slots.take(true).getMessage().contains("busy with 2 requests"));
        slots.release(false);
        assertNull(slots.take(true), "the refused upload did not keep the uploads' only slot");
    }

    @Test
    void theUploadShareIsAtLeastOneAndAtMostTheLimit() {
        assertThrows(IllegalArgumentException.class, () -> new ConcurrencySlots(4, 5));
        assertThrows(IllegalArgumentException.class, () -> new ConcurrencySlots(4, 0));
        ConcurrencySlots all = new ConcurrencySlots(1, 1);
        assertNull(all.take(true));
        assertEquals(503, all.take(false).status());
    }

    @Test
    void anUploadIsABodyThatIsMultipartChunkedOrOver16KiB() {
        assertFalse(isUpload(request(-1, null, null)), "a GET");
        assertFalse(isUpload(request(300, "application/json", null)), "a small JSON body");
        assertFalse(isUpload(request(16 << 10, "text/csv", null)), "16 KiB exactly");
        assertTrue(isUpload(request((16 << 10) + 1, "application/json", null)));
        assertTrue(isUpload(request(-1, "application/json", "chunked")));
        assertTrue(isUpload(request(500, "multipart/form-data; boundary=b", null)));
        assertTrue(isUpload(request(500, "Multipart/Form-Data; boundary=b", null)));
        assertFalse(isUpload(request(0, "multipart/form-data; boundary=b", null)), "no body");
    }

    @Test
    void aBodyOfAtMost1MiBOtherThanAFormOrMultipartMayBeReadBeforeItsRequestTakesASlot() {
        assertTrue(readsAhead(request(300, "application/json", null)));
        assertTrue(readsAhead(request(16 << 10, "text/csv", null)));
        assertTrue(readsAhead(request(1 << 20, "application/json", null)));
        assertFalse(readsAhead(request((1 << 20) + 1, "application/json", null)), "an upload");
        assertFalse(readsAhead(request(300, "multipart/form-data; boundary=b", null)));
        assertFalse(readsAhead(request(-1, null, null)), "no body");
        assertFalse(readsAhead(request(0, "application/json", null)), "an empty body");
        assertFalse(readsAhead(request(-1, "application/json", "chunked")), "chunked: an upload");
        assertFalse(
                readsAhead(request(40, "application/x-www-form-urlencoded", null)),
                "the container parses a form from its own input");
        assertFalse(readsAhead(request(40, "Application/X-WWW-Form-Urlencoded; charset=UTF-8", null)));
    }

    @Test
    void bodiesOver16KiBAreReadAheadOnlyWhileThereIsRoomForThem() {
        ConcurrencyLimitFilter filter = new ConcurrencyLimitFilter(64, 32, null);
        HttpServletRequest batch = request(1 << 20, "application/json", null);
        List<Integer> taken = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            taken.add(readAheadRoom(filter, batch));
        }
        assertEquals(java.util.Collections.nCopies(8, 1 << 20), taken, "8 MiB of room");
        assertEquals(0, readAheadRoom(filter, batch), "no room left: the next one is an upload");
        assertEquals(0, readAheadRoom(filter, request(300, "application/json", null)), "a small body needs no room");
        filter.releaseReadAheadRoom(taken.get(0));
        assertEquals(1 << 20, readAheadRoom(filter, batch), "room given back serves the next");
        assertEquals(
                0,
                readAheadRoom(new ConcurrencyLimitFilter(64, 32, null), request((1 << 20) + 1, "text/csv", null)),
                "over 1 MiB is never read ahead");
    }

    /** {@link ConcurrencyLimitFilter#isUpload} of {@code request}, its length and media type read as the filter does. */
    private static boolean isUpload(HttpServletRequest request) {
        return ConcurrencyLimitFilter.isUpload(request, request.getContentLengthLong(), MediaType.of(request));
    }

    /** {@link ConcurrencyLimitFilter#readsAhead} of {@code request}'s declared length and media type. */
    private static boolean readsAhead(HttpServletRequest request) {
        return ConcurrencyLimitFilter.readsAhead(request.getContentLengthLong(), MediaType.of(request));
    }

    /** The room {@code filter} takes to read {@code request}'s body ahead, as its doFilter asks. */
    private static int readAheadRoom(ConcurrencyLimitFilter filter, HttpServletRequest request) {
        return filter.readAheadRoom(request.getContentLengthLong(), readsAhead(request));
    }

    /** A request with only what {@link ConcurrencyLimitFilter#isUpload} asks of it. */
    private static HttpServletRequest request(long length, String type, String transferEncoding) {
        return (HttpServletRequest) Proxy.newProxyInstance(
                ConcurrencySlotsTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getContentLengthLong" -> length;
                    case "getHeader" ->
                        "Transfer-Encoding".equalsIgnoreCase((String) args[0])
                                ? transferEncoding
                                : "Content-Type".equalsIgnoreCase((String) args[0]) ? type : null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
