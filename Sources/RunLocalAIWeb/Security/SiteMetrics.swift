import Foundation
import Hummingbird
import NIOCore
import Prometheus
import RunLocalAIApp

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
    static let methods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// The counter and histogram of one label set, made once (the registry's own lookup builds descriptors and
    /// label arrays on every call, which costs more than the request it measures).
    private struct Series: Sendable { var counter: Counter; var histogram: DurationHistogram }
    private struct SeriesKey: Hashable, Sendable { var route: String; var method: String; var status: Int }
    private let series = BoundedCache<SeriesKey, Series>(capacity: 4096)

    func record(route: String, method: String, status: Int, duration: Duration) {
        let m = Self.methods.contains(method) ? method : "other"
        let s = series.value(for: SeriesKey(route: route, method: m, status: status)) {
            Series(counter: registry.makeCounter(descriptor: .init(namespace: "runlocalai", metricName: "http_requests", unitName: "total",
                                                                   helpText: "HTTP requests by route pattern, method and status"),
                                                 labels: [("route", route), ("method", m), ("status", String(status))]),
                   histogram: registry.makeDurationHistogram(descriptor: .init(namespace: "runlocalai", metricName: "http_request_duration", unitName: "seconds",
                                                                               helpText: "Time to answer a request, by route pattern"),
                                                             labels: [("route", route)], buckets: Self.buckets))
        }
        s.counter.increment()
        s.histogram.record(duration)
    }

    func rateLimited(route surface: String) {
        registry.makeCounter(descriptor: .init(namespace: "runlocalai", metricName: "rate_limited", unitName: "total",
                                               helpText: "State-changing requests refused by the rate limiter (429)"),
                             labels: [("surface", surface)]).increment()
    }

    /// The exposition text.
    func text() -> String { registry.emitToString() }

    /// `GET /metrics`: the text format, version 0.0.4.
    func response() -> Response {
        Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: text())))
    }
}
