import Foundation

/// A token bucket per client key: `burst` requests at once, refilled at `ratePerSecond`. The site's one limiter
/// for state-changing requests, and the remote-model reader's per-client limit.
///
/// ```swift
/// let limiter = RateLimiter(burst: 30, ratePerSecond: 0.5)
/// if let wait = limiter.take("203.0.113.9") { print("429, Retry-After: \(wait)") }
/// ```
public final class RateLimiter: @unchecked Sendable {
    struct Bucket { var tokens: Double; var updated: Date }
    private let lock = NSLock()
    private var buckets: [String: Bucket] = [:]
    let burst: Double
    let ratePerSecond: Double
    let now: @Sendable () -> Date

    public init(burst: Double, ratePerSecond: Double, now: @escaping @Sendable () -> Date = Date.init) {
        self.burst = max(1, burst); self.ratePerSecond = max(0.0001, ratePerSecond); self.now = now
    }

    /// Takes one token; returns nil when allowed, else the seconds until the next token.
    public func take(_ key: String) -> Int? {
        let t = now()
        lock.lock(); defer { lock.unlock() }
        if buckets.count > 50_000 { buckets = buckets.filter { t.timeIntervalSince($0.value.updated) < burst / ratePerSecond } }
        var b = buckets[key] ?? Bucket(tokens: burst, updated: t)
        b.tokens = min(burst, b.tokens + max(0, t.timeIntervalSince(b.updated)) * ratePerSecond)
        b.updated = t
        if b.tokens >= 1 {
            b.tokens -= 1
            buckets[key] = b
            return nil
        }
        buckets[key] = b
        return max(1, Int(((1 - b.tokens) / ratePerSecond).rounded(.up)))
    }
}
