import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import Prometheus
import Synchronization
import RunLocalAIApp
import RunLocalAIStore

/// The figures `/metrics` shows, in Prometheus' text format: requests by route pattern, method and status, request
/// latency by route, and rate-limit refusals. One registry per router (so tests see their own figures); the route
/// label is the router's pattern (`/hardware/{id}`), never the raw path, so the label set stays small.
///
/// ```
/// runlocalai_http_requests_total{route="/hardware/{id}",method="GET",status="200"} 3
/// runlocalai_http_request_duration_seconds_bucket{route="/hardware/{id}",le="0.005"} 2
/// runlocalai_rate_limited_total{surface="html"} 1
/// ```
public final class SiteMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    static let buckets: [Duration] = [.milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                                      .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5)]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// The counter and histogram of one label set, made once (the registry's own lookup builds descriptors and
    /// label arrays on every call, which costs more than the request it measures).
    private struct Series: Sendable { var counter: Counter; var histogram: DurationHistogram }
    private struct SeriesKey: Hashable, Sendable { var route: String; var method: String; var status: Int }
    private let series = Mutex<[SeriesKey: Series]>([:])

    func record(route: String, method: HTTPRequest.Method, status: Int, duration: Duration) {
        let m: String
        switch method {
        case .get, .head, .post, .put, .patch, .delete, .options: m = method.rawValue
        default: m = "other"
        }
        let key = SeriesKey(route: route, method: m, status: status)
        let s: Series? = series.withLock { table in
            if let s = table[key] { return s }
            guard table.count < 4096 else { return nil as Series? }   // bounded label set: route patterns x methods x statuses
            let s = makeSeries(route: route, method: m, status: status)
            table[key] = s
            return s
        }
        s?.counter.increment()
        s?.histogram.record(duration)
    }

    private func makeSeries(route: String, method m: String, status: Int) -> Series {
        Series(counter: registry.makeCounter(descriptor: .init(namespace: "runlocalai", metricName: "http_requests", unitName: "total",
                                                               helpText: "HTTP requests by route pattern, method and status"),
                                             labels: [("route", route), ("method", m), ("status", String(status))]),
               histogram: registry.makeDurationHistogram(descriptor: .init(namespace: "runlocalai", metricName: "http_request_duration", unitName: "seconds",
                                                                           helpText: "Time to answer a request, by route pattern"),
                                                         labels: [("route", route)], buckets: Self.buckets))
    }

    func rateLimited(route surface: String) {
        registry.makeCounter(descriptor: .init(namespace: "runlocalai", metricName: "rate_limited", unitName: "total",
                                               helpText: "State-changing requests refused by the rate limiter (429)"),
                             labels: [("surface", surface)]).increment()
    }

    /// How long a store call took, by operation (the store is wrapped in `ObservedStore` with this as its observer).
    public func recordStore(_ operation: ObservedStore.Operation, _ duration: Duration, failed: Bool) {
        let s = storeSeries.value(for: operation) {
            registry.makeDurationHistogram(descriptor: .init(namespace: "runlocalai", metricName: "store_duration", unitName: "seconds",
                                                             helpText: "Time a benchmark-store call took, by operation"),
                                           labels: [("operation", operation.rawValue)], buckets: Self.storeBuckets)
        }
        s.record(duration)
        if failed {
            registry.makeCounter(descriptor: .init(namespace: "runlocalai", metricName: "store_errors", unitName: "total",
                                                   helpText: "Benchmark-store calls that failed, by operation"),
                                 labels: [("operation", operation.rawValue)]).increment()
        }
    }
    static let storeBuckets: [Duration] = [.microseconds(100), .microseconds(500), .milliseconds(1), .milliseconds(5), .milliseconds(10),
                                           .milliseconds(50), .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5)]
    private let storeSeries = BoundedCache<ObservedStore.Operation, DurationHistogram>(capacity: 64)

    /// Sources of cache counts that `/metrics` reads on every scrape, each giving one or more named caches.
    private let caches = Mutex<[@Sendable () -> [(name: String, stats: CacheStats)]]>([])

    /// Counts `stats()` as the cache `name` on every scrape (hits, misses, entries).
    public func watch(cache name: String, _ stats: @escaping @Sendable () -> CacheStats) { watch { [(name, stats())] } }

    /// Counts every cache `all()` names (an answer service's caches, say) on every scrape.
    public func watch(caches all: @escaping @Sendable () -> [(name: String, stats: CacheStats)]) { caches.withLock { $0.append(all) } }

    /// The exposition text: the registry's figures, then the caches' counts (read at scrape time).
    func text() -> String {
        var out = registry.emitToString()
        let watched = caches.withLock { $0 }.flatMap { $0() }.sorted { $0.name < $1.name }
        guard !watched.isEmpty else { return out }
        out += "# HELP runlocalai_cache_lookups_total Cache lookups by cache and result (hit: served from the cache)\n"
        out += "# TYPE runlocalai_cache_lookups_total counter\n"
        for (name, s) in watched {
            out += "runlocalai_cache_lookups_total{cache=\"\(name)\",result=\"hit\"} \(s.hits)\n"
            out += "runlocalai_cache_lookups_total{cache=\"\(name)\",result=\"miss\"} \(s.misses)\n"
        }
        out += "# HELP runlocalai_cache_entries Entries a cache holds\n# TYPE runlocalai_cache_entries gauge\n"
        for (name, s) in watched { out += "runlocalai_cache_entries{cache=\"\(name)\"} \(s.entries)\n" }
        return out
    }

    /// `GET /metrics`: the text format, version 0.0.4.
    func response() -> Response {
        Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: text())))
    }
}
