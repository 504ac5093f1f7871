package app.concord.operations.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.operations.control.OpsAccess.Decision;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class OpsAccessTest {

    @Test
    void theOperatorsPagesDoNotExistUnlessEnabled() {
        OpsAccess off = new OpsAccess(false, "secret");
        assertEquals(Decision.HIDDEN, off.decide("127.0.0.1", "Bearer secret"));
    }

    @Test
    void withoutATokenOnlyTheLoopbackAddressIsAllowed() {
        OpsAccess loopback = new OpsAccess(true, null);
        assertEquals(Decision.ALLOWED, loopback.decide("127.0.0.1", null));
        assertEquals(Decision.ALLOWED, loopback.decide("0:0:0:0:0:0:0:1", null));
        assertEquals(Decision.ALLOWED, loopback.decide("::1", null));
        assertEquals(Decision.ALLOWED, loopback.decide("127.3.4.5", null));
        assertEquals(Decision.FORBIDDEN, loopback.decide("192.168.1.20", null));
        assertEquals(Decision.FORBIDDEN, loopback.decide("2001:db8::1", null));
        assertEquals(Decision.FORBIDDEN, loopback.decide("localhost", null), "a name is never looked up");
        assertEquals(Decision.FORBIDDEN, loopback.decide(null, null));
    }

    @Test
    void withATokenItMustBePresentedFromAnyAddress() {
        OpsAccess token = new OpsAccess(true, "s3cret");
        assertEquals(Decision.ALLOWED, token.decide("203.0.113.9", "Bearer s3cret"));
        assertEquals(Decision.ALLOWED, token.decide("203.0.113.9", "bearer  s3cret "));
        assertEquals(Decision.ALLOWED, token.decide("203.0.113.9", basic("anyone", "s3cret")));
        assertEquals(Decision.UNAUTHORIZED, token.decide("127.0.0.1", null), "loopback is not enough once a token is set");
        assertEquals(Decision.UNAUTHORIZED, token.decide("203.0.113.9", "Bearer s3cre"));
        assertEquals(Decision.UNAUTHORIZED, token.decide("203.0.113.9", basic("s3cret", "")));
        assertEquals(Decision.UNAUTHORIZED, token.decide("203.0.113.9", "Basic !!!not-base64"));
        assertEquals(Decision.UNAUTHORIZED, token.decide("203.0.113.9", "Digest s3cret"));
    }

    @Test
    void presentedTokensAreReadFromBearerAndBasicHeaders() {
        assertEquals("t", OpsAccess.presentedToken("Bearer t"));
        assertEquals("p:w", OpsAccess.presentedToken(basic("u", "p:w")));
        assertNull(OpsAccess.presentedToken("Basic " + Base64.getEncoder().encodeToString("nocolon".getBytes(StandardCharsets.UTF_8))));
        assertTrue(OpsAccess.isLoopback("[::1]"));
        assertFalse(OpsAccess.isLoopback(""));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
