package org.tabserve.web.http.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Only a loopback address, as a container reports the caller's (an IP literal), counts as the pod itself. */
class AdminTokenTest {

    @Test
    void loopbackAddressesAreThoseOfTheLoopbackInterfaceOnly() {
        for (String loopback : new String[] {"127.0.0.1", "127.8.9.10", "::1", "0:0:0:0:0:0:0:1", "[::1]"}) {
            assertTrue(AdminToken.isLoopback(loopback), loopback);
        }
        for (String other : new String[] {"10.0.0.1", "0.0.0.0", "::ffff:10.0.0.1", "1.27.0.0.1", "", "localhost"}) {
            assertFalse(AdminToken.isLoopback(other), other);
        }
        assertFalse(AdminToken.isLoopback(null));
    }
}
