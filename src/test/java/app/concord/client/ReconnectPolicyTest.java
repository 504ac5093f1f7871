package app.concord.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReconnectPolicyTest {

    private static final ReconnectPolicy POLICY = ReconnectPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(5));

    @Test
    void waitsDoubleFromTheInitialWaitUpToTheMaximumWithoutJitter() {
        ReconnectPolicy exact = POLICY.withJitter(0);
        assertEquals(Optional.of(Duration.ofMillis(100)), exact.delay(1, () -> 0.9));
        assertEquals(Optional.of(Duration.ofMillis(200)), exact.delay(2, () -> 0.9));
        assertEquals(Optional.of(Duration.ofMillis(1600)), exact.delay(5, () -> 0.9));
        assertEquals(Optional.of(Duration.ofSeconds(5)), exact.delay(7, () -> 0.9));
        assertEquals(Optional.of(Duration.ofSeconds(5)), exact.delay(10_000, () -> 0.9));
    }

    @Test
    void jitterTakesUpToItsFractionOffEachWait() {
        Random random = new Random(7);
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 1000; i++) {
            long millis = POLICY.delay(3, random::nextDouble).orElseThrow().toMillis();
            min = Math.min(min, millis);
            max = Math.max(max, millis);
        }
        assertTrue(min >= 200 && min < 220, "shortest wait " + min);
        assertTrue(max <= 400 && max > 380, "longest wait " + max);
        assertEquals(Optional.of(Duration.ofMillis(300)), POLICY.delay(3, () -> 0.5));
    }

    @Test
    void givesUpAfterTheMaximumOfFailedAttemptsInARow() {
        ReconnectPolicy three = POLICY.withMaxAttempts(3);
        assertTrue(three.delay(3, () -> 0).isPresent());
        assertEquals(Optional.empty(), three.delay(4, () -> 0));
        assertEquals(Optional.empty(), ReconnectPolicy.never().delay(1, () -> 0));
        assertEquals(Optional.of(Duration.ofMillis(300)), POLICY.withJitter(0).withMultiplier(3).delay(2, () -> 0));
    }

    @Test
    void rejectsSettingsThatMakeNoSense() {
        assertThrows(IllegalArgumentException.class, () -> ReconnectPolicy.exponential(Duration.ZERO, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> ReconnectPolicy.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> POLICY.withJitter(1.5));
        assertThrows(IllegalArgumentException.class, () -> POLICY.withMultiplier(0.5));
        assertThrows(IllegalArgumentException.class, () -> POLICY.withMultiplier(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> POLICY.withMaxAttempts(-1));
        assertThrows(IllegalArgumentException.class, () -> POLICY.delay(0, () -> 0));
    }
}
