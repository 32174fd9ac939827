import Foundation

/// The one cache type of the application: bounded (least-recently-stored entries go first), optionally
/// time-limited, thread-safe. Plans (pure, no TTL), evidence (a short TTL, so another server's moderation shows
/// within seconds), encoded responses and rendered pages all use it.
///
/// ```swift
/// let cache = BoundedCache<String, Int>(capacity: 1024, ttl: .seconds(2))
/// let v = cache.value(for: "k") { 42 }     // computed once, then served for 2 s
/// cache.removeAll()                        // after a change the cached values depend on
/// ```
public final class BoundedCache<Key: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
    private struct Entry { var value: Value; var at: ContinuousClock.Instant; var order: UInt64 }
    private let lock = NSLock()
    private var entries: [Key: Entry] = [:]
    private var counter: UInt64 = 0
    private var generationCount: UInt64 = 0
    private var refreshing: Set<Key> = []
    /// Keys in the order they were stored (with the stamp they were stored under): eviction pops from the front,
    /// skipping keys stored again since, so a full cache costs O(1) per store, never a sort under the lock.
    private var queue: [(key: Key, order: UInt64)] = []
    private var head = 0
    private var hits: UInt64 = 0, misses: UInt64 = 0
    private let clock = ContinuousClock()
    public let capacity: Int
    /// How long an entry is served; nil keeps it until evicted.
    public let ttl: Duration?

    public init(capacity: Int, ttl: Duration? = nil) {
        self.capacity = max(1, capacity); self.ttl = ttl
    }

    /// The live entry for `key`, if any.
    public func lookup(_ key: Key) -> Value? {
        lock.lock(); defer { lock.unlock() }
        guard let e = entries[key] else { misses &+= 1; return nil }
        if let ttl, clock.now - e.at >= ttl { misses &+= 1; return nil }
        hits &+= 1
        return e.value
    }

    /// Lookups answered from the cache and lookups that had to compute, since the cache was made (for `/metrics`).
    public var stats: CacheStats { lock.lock(); defer { lock.unlock() }; return CacheStats(hits: hits, misses: misses, entries: entries.count) }

    /// The entry for `key`, or how it would have been stale: for stale-while-revalidate callers.
    public func lookupAllowingStale(_ key: Key) -> (value: Value, fresh: Bool)? {
        lock.lock(); defer { lock.unlock() }
        guard let e = entries[key] else { return nil }
        let fresh = ttl.map { clock.now - e.at < $0 } ?? true
        return (e.value, fresh)
    }

    public func store(_ key: Key, _ value: Value) {
        lock.lock(); defer { lock.unlock() }
        refreshing.remove(key)
        counter &+= 1
        entries[key] = Entry(value: value, at: clock.now, order: counter)
        queue.append((key, counter))
        if entries.count > capacity { evictOldest() }
    }

    /// The cached value, or `make()`'s (stored; a throwing `make` stores nothing).
    public func value(for key: Key, _ make: () throws -> Value) rethrows -> Value {
        if let v = lookup(key) { return v }
        let v = try make()
        store(key, v)
        return v
    }

    /// What a caller should do about `key` (stale-while-revalidate).
    public enum Claim {
        /// Serve this (fresh, or stale while another caller computes the new one).
        case serve(Value)
        /// Compute it, then `store` it (or `release` the claim when it cannot be stored).
        case compute
    }

    /// Stale-while-revalidate: a fresh entry is served; of the callers that find an expired one, the first computes
    /// it anew and the others are served the expired copy meanwhile, so an expiry under load costs one computation.
    public func claim(_ key: Key) -> Claim {
        lock.lock(); defer { lock.unlock() }
        guard let e = entries[key] else { misses &+= 1; return .compute }
        if let ttl, clock.now - e.at >= ttl {
            if refreshing.contains(key) { hits &+= 1; return .serve(e.value) }
            refreshing.insert(key)
            misses &+= 1
            return .compute
        }
        hits &+= 1
        return .serve(e.value)
    }

    /// Gives up a `.compute` claim without storing.
    public func release(_ key: Key) {
        lock.lock(); defer { lock.unlock() }
        refreshing.remove(key)
    }

    /// Forgets everything (a change the values depend on); bumps ``generation``.
    public func removeAll() {
        lock.lock(); defer { lock.unlock() }
        entries.removeAll(keepingCapacity: true)
        queue.removeAll(keepingCapacity: true); head = 0
        generationCount &+= 1
    }

    /// Changes on every ``removeAll()``: caches built on this one's values put it in their keys.
    public var generation: UInt64 { lock.lock(); defer { lock.unlock() }; return generationCount }

    public var count: Int { lock.lock(); defer { lock.unlock() }; return entries.count }

    /// Drops the oldest eighth, in storing order (amortised O(1) per store).
    private func evictOldest() {
        let target = capacity - max(1, capacity / 8)
        while entries.count > target, head < queue.count {
            let (k, o) = queue[head]
            head += 1
            if entries[k]?.order == o { entries[k] = nil }
        }
        if head > 1024 && head * 2 > queue.count { queue.removeFirst(head); head = 0 }
    }
}

/// A cache's counts: lookups served from it, lookups that computed, entries held.
///
/// ```swift
/// let s = cache.stats
/// print("\(s.hits) hits, \(s.misses) misses, \(s.entries) entries")
/// ```
public struct CacheStats: Sendable, Equatable {
    public var hits: UInt64
    public var misses: UInt64
    public var entries: Int
    public init(hits: UInt64, misses: UInt64, entries: Int) { self.hits = hits; self.misses = misses; self.entries = entries }
}
