package app.concord.client;

/**
 * A token bucket for outgoing operation messages, so that a client stays under the server's
 * rate limit instead of being closed by it. Not thread-safe: used under the document's lock.
 */
final class Pacer {

    private final double perNano;
    private final double burst;
    private double tokens;
    private long last;

    Pacer(double perSecond, int burst, long nowNanos) {
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.last = nowNanos;
    }

    /** Takes a token and returns 0 when one is there; otherwise takes nothing and returns the nanoseconds until one is. */
    long take(long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - last) * perNano);
        last = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - tokens) / perNano));
    }
}
