package org.tabserve.serving.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The shared store's URL: its parts read, and its user and password never in what is shown, nor in the words that
 * refuse a URL that is not one.
 */
class RedisAddressTest {

    @Test
    void aUrlIsReadAndShownWithoutItsCredentials() {
        RedisAddress address = RedisAddress.parse("redis://fleet:p%40ss-w0rd@redis.internal:6380/3");
        assertEquals("redis.internal", address.host());
        assertEquals(6380, address.port());
        assertEquals("fleet", address.user());
        assertEquals("p@ss-w0rd", address.password());
        assertEquals(3, address.database());
        assertEquals("redis://redis.internal:6380/3", address.toString());
        RedisAddress plain = RedisAddress.parse("redis://:only-a-password@127.0.0.1");
        assertEquals(null, plain.user());
        assertEquals("only-a-password", plain.password());
        assertEquals("redis://127.0.0.1:6379", plain.toString());
        assertTrue(RedisAddress.parse("rediss://h:1").tls());
    }

    @Test
    void aUrlThatIsNotOneIsRefusedWithoutItsPassword() {
        for (String url : new String[] {
            "http://user:hunter2-secret@host:6379",
            "redis://user:hunter2-secret@host:6379/99",
            "redis://:hunter2-secret@",
            "hunter2-secret"
        }) {
            IllegalArgumentException refused =
                    assertThrows(IllegalArgumentException.class, () -> RedisAddress.parse(url), url);
            assertFalse(refused.getMessage().contains("hunter2"), refused.getMessage());
            assertTrue(refused.getMessage().contains("redis://"), refused.getMessage());
        }
    }
}
