package app.concord.admission;

import java.util.concurrent.ConcurrentHashMap;

/**
 * New connections per client address, as a token bucket per address: a client that opens
 * connections faster than {@code perMinute} (after a burst of a tenth of that) is refused
 * until it slows down, whatever document it asks for. Addresses are forgotten once their
 * bucket is full again, and the table is bounded, so many addresses cannot exhaust memory.
 */
public final class AddressLimiter {

    private static final int MAX_ADDRESSES = 100_000;

    private final int perMinute;
    private final ConcurrentHashMap<String, RateLimiter> buckets = new ConcurrentHashMap<>();

    public AddressLimiter(int perMinute) {
        this.perMinute = perMinute;
    }

    /** Takes one connection for {@code address}; false when it must be refused. */
    public boolean tryConnect(String address, long nowNanos) {
        if (address == null) {
            return true;
        }
        if (buckets.size() >= MAX_ADDRESSES) {
            buckets.clear(); // a flood of distinct addresses: forget them all rather than grow
        }
        RateLimiter bucket = buckets.computeIfAbsent(address,
                a -> new RateLimiter(Math.max(1, perMinute / 60), Math.max(1, perMinute / 10), nowNanos));
        synchronized (bucket) {
            return bucket.tryAcquire(nowNanos);
        }
    }

    public int trackedAddresses() {
        return buckets.size();
    }
}
