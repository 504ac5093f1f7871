package app.concord.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AddressLimiterTest {

    static final long SECOND = 1_000_000_000L;

    @Test
    void anAddressGetsABurstThenTheSustainedRate() {
        AddressLimiter limiter = new AddressLimiter(600); // 10 a second, bursts of 60
        int admitted = 0;
        for (int i = 0; i < 100; i++) {
            admitted += limiter.tryConnect("10.0.0.1", 0) ? 1 : 0;
        }
        assertEquals(60, admitted);
        assertFalse(limiter.tryConnect("10.0.0.1", SECOND / 20));
        assertTrue(limiter.tryConnect("10.0.0.1", SECOND / 5));
        assertTrue(limiter.tryConnect("10.0.0.2", 0), "other addresses are not affected");
    }

    @Test
    void manyDistinctAddressesCannotGrowTheTableWithoutBound() {
        AddressLimiter limiter = new AddressLimiter(600);
        for (int i = 0; i < 250_000; i++) {
            limiter.tryConnect("addr-" + i, 0);
        }
        assertTrue(limiter.trackedAddresses() <= 100_000);
    }
}
