package app.concord.client;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * How long to wait before each new attempt to reach the server after a connection failed or
 * dropped: exponential backoff with jitter, so that many clients dropped at once by a restart
 * do not all come back in the same instant. The n-th failed attempt in a row waits
 * {@code min(max, initial * multiplier^(n-1))}, less a random part of up to {@code jitter} of
 * it; after {@code maxAttempts} failures in a row the client gives up. Immutable.
 */
public final class ReconnectPolicy {

    private final Duration initial;
    private final Duration max;
    private final double multiplier;
    private final double jitter;
    private final int maxAttempts;

    private ReconnectPolicy(Duration initial, Duration max, double multiplier, double jitter, int maxAttempts) {
        this.initial = initial;
        this.max = max;
        this.multiplier = multiplier;
        this.jitter = jitter;
        this.maxAttempts = maxAttempts;
    }

    /**
     * Waits of {@code initial}, doubling up to {@code max}, with up to half of each taken off
     * at random, and no limit on the attempts.
     *
     * @throws IllegalArgumentException when {@code initial} is not positive or {@code max} is shorter
     */
    public static ReconnectPolicy exponential(Duration initial, Duration max) {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 < initial <= max, got initial " + initial + " and max " + max);
        }
        return new ReconnectPolicy(initial, max, 2.0, 0.5, Integer.MAX_VALUE);
    }

    /** Never reconnects: the first failure closes the document. */
    public static ReconnectPolicy never() {
        return new ReconnectPolicy(Duration.ofMillis(1), Duration.ofMillis(1), 1.0, 0, 0);
    }

    /** This policy with each wait multiplied by {@code multiplier} (at least 1) after each failure. */
    public ReconnectPolicy withMultiplier(double multiplier) {
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be a finite number of at least 1, got " + multiplier);
        }
        return new ReconnectPolicy(initial, max, multiplier, jitter, maxAttempts);
    }

    /** This policy with up to {@code fraction} (0 to 1) of each wait taken off at random; 0 waits exactly. */
    public ReconnectPolicy withJitter(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("jitter must be from 0 to 1, got " + fraction);
        }
        return new ReconnectPolicy(initial, max, multiplier, fraction, maxAttempts);
    }

    /** This policy, giving up after {@code attempts} failed attempts in a row (0: never reconnect). */
    public ReconnectPolicy withMaxAttempts(int attempts) {
        if (attempts < 0) {
            throw new IllegalArgumentException("maxAttempts must be 0 or more, got " + attempts);
        }
        return new ReconnectPolicy(initial, max, multiplier, jitter, attempts);
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * The wait before the next attempt after {@code failures} failed attempts in a row, or
     * empty when the policy gives up.
     *
     * @param random uniform values in [0, 1), for the jitter
     */
    public Optional<Duration> delay(int failures, DoubleSupplier random) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures start at 1, got " + failures);
        }
        if (failures > maxAttempts) {
            return Optional.empty();
        }
        double base = initial.toNanos() * Math.pow(multiplier, failures - 1);
        double capped = Math.min(base, max.toNanos());
        double waited = capped * (1 - jitter * random.getAsDouble());
        return Optional.of(Duration.ofNanos(Math.max(1, (long) waited)));
    }

    @Override
    public String toString() {
        return "ReconnectPolicy[initial=" + initial + ", max=" + max + ", multiplier=" + multiplier + ", jitter=" + jitter
                + ", maxAttempts=" + (maxAttempts == Integer.MAX_VALUE ? "unlimited" : maxAttempts) + "]";
    }
}
