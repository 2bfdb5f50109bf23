package org.tabserve.serving.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The rates of clients by name ({@code --client-rates}): each named client gets a bucket of its own, kept across its
 * requests; a client its credential gives a rate keeps that one; a caller without a credential and a client the
 * setting does not name are not limited; a setting that is not {@code NAME=RATE,...} is refused in words that name
 * the pair and never repeat more than 64 characters of it.
 */
class ClientRatesTest {

    private static final List<Grant> PREDICT = List.of(new Grant(Scope.PREDICT, Grant.ALL));

    private static ClientRates of(String text) {
        return ClientRates.resolve(name ->
                Optional.ofNullable(Map.of(ClientRates.CLIENT_RATES, text).get(name)));
    }

    @Test
    void eachNamedClientHasABucketOfItsOwnKeptAcrossItsRequests() {
        ClientRates rates = of(" slow-oidc=2/h , fast@example.com=20/s,CN.svc:1=5/m, oidc:nightly=50000/d ");
        assertEquals(4, rates.size());
        assertEquals(
                86_400, rates.rated(Caller.of("oidc:nightly", PREDICT)).quota().windowSeconds(0));
        Caller first = rates.rated(Caller.of("slow-oidc", PREDICT));
        Caller second = rates.rated(Caller.of("slow-oidc", PREDICT));
        assertEquals("2/h", first.quota().toString());
        assertSame(first.quota(), second.quota(), "one bucket for the client, whatever token it sends");
        assertEquals(0, first.quota().take(0));
        assertEquals(0, second.quota().take(1));
        assertTrue(first.quota().take(2) > 0, "the third of two an hour waits");
        assertTrue(rates.rated(Caller.of("fast@example.com", PREDICT)).quota().take(2) == 0, "another is not slowed");
        assertEquals("5/m", rates.rated(Caller.of("CN.svc:1", PREDICT)).quota().toString());
        assertEquals(
                Caller.Kind.TOKEN,
                rates.rated(Caller.of("oidc:nightly", PREDICT, Caller.Kind.TOKEN))
                        .kind(),
                "a caller given its rate by name keeps its credential's kind, which the records say");
        assertNull(rates.rated(Caller.of("other", PREDICT)).quota(), "a client not named is not limited");
        Caller keyed = new Caller("slow-oidc", PREDICT, true, Quota.parse("7/s"));
        assertSame(keyed, rates.rated(keyed), "a keys file's own rate stands");
        assertSame(Caller.OPEN, rates.rated(Caller.OPEN));
        assertSame(ClientRates.NONE, ClientRates.resolve(name -> Optional.of("  ")));
    }

    @Test
    void aSettingThatIsNotNameEqualsRatePairsIsRefusedInWords() {
        for (String bad : List.of(
                "slow",
                "=2/h",
                "slow=",
                "slow=2/day",
                "slow=0/d",
                "slow=0/s",
                "a b=2/s",
                "slow=2/h,,fast=1/s",
                "-x=1/s")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> of(bad), bad);
            assertTrue(e.getMessage().startsWith("setting " + ClientRates.CLIENT_RATES), e.getMessage());
        }
        IllegalArgumentException day = assertThrows(IllegalArgumentException.class, () -> of("nightly=9000/days"));
        assertTrue(
                day.getMessage()
                        .startsWith("setting " + ClientRates.CLIENT_RATES + ", client 'nightly': the rate"
                                + " '9000/days' is not"),
                day.getMessage());
        assertTrue(day.getMessage().contains("50000/d"), day.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> of("slow=2/h,slow=3/h"));
        assertTrue(twice.getMessage().contains("'slow' twice"), twice.getMessage());
        String secret = "s".repeat(200);
        IllegalArgumentException long1 = assertThrows(IllegalArgumentException.class, () -> of(secret));
        assertTrue(long1.getMessage().length() < 300 && !long1.getMessage().contains(secret), long1.getMessage());
    }

    @Test
    void aClientMayHaveSeveralRatesJoinedByPlusAndABadJoinIsRefusedNamingTheClient() {
        ClientRates rates = of("oidc:notes=20/s+50000/d, slow=2/h");
        Quota notes = rates.rated(Caller.of("oidc:notes", PREDICT)).quota();
        assertEquals("20/s+50000/d", notes.toString());
        assertEquals(2, notes.rates());
        assertEquals(1, rates.rated(Caller.of("slow", PREDICT)).quota().rates());
        for (String bad :
                List.of("20/s+", "+5/d", "5/d+6/d", "1/s+2/m+3/h+4/d+5/min", "1/s+" + "2".repeat(500) + "/d")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> of("nightly=" + bad), bad);
            assertTrue(
                    e.getMessage().startsWith("setting " + ClientRates.CLIENT_RATES + ", client 'nightly': the rate '"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("joined by +") && e.getMessage().length() < 500, e.getMessage());
        }
    }
}
