package app.concord.admission;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OriginPolicyTest {

    final OriginPolicy ownOnly = new OriginPolicy(null);

    @Test
    void aPageFromTheServerItselfMayConnect() {
        assertTrue(ownOnly.allows("http://127.0.0.1:8080", "127.0.0.1:8080"));
        assertTrue(ownOnly.allows("https://Docs.Example.org", "docs.example.org"));
        assertTrue(ownOnly.allows("https://docs.example.org", "docs.example.org:443"));
        assertTrue(ownOnly.allows("http://[::1]:8080", "[::1]:8080"));
    }

    @Test
    void aForeignPageIsRefused() {
        assertFalse(ownOnly.allows("https://evil.example", "docs.example.org"));
        assertFalse(ownOnly.allows("http://127.0.0.1:9999", "127.0.0.1:8080"));
        assertFalse(ownOnly.allows("null", "docs.example.org"));
        assertFalse(ownOnly.allows("https://docs.example.org.evil.example", "docs.example.org"));
        assertFalse(ownOnly.allows("http://127.0.0.1:8080", null), "without the Host header nothing can be same-origin");
    }

    @Test
    void clientsThatAreNotBrowsersSendNoOriginAndAreNotAffected() {
        assertTrue(ownOnly.allows(null, "docs.example.org"));
        assertTrue(ownOnly.allows("", null));
    }

    @Test
    void configuredOriginsAreAllowedToo() {
        OriginPolicy policy = new OriginPolicy(" https://app.example.com/ , http://localhost:3000");
        assertTrue(policy.allows("https://app.example.com", "docs.example.org"));
        assertTrue(policy.allows("HTTPS://APP.EXAMPLE.COM:443", "docs.example.org"));
        assertTrue(policy.allows("http://localhost:3000", "docs.example.org"));
        assertFalse(policy.allows("http://localhost:3001", "docs.example.org"));
        assertTrue(new OriginPolicy("*").allows("https://anything.example", "docs.example.org"));
    }
}
