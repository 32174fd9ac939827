import Foundation
import RunLocalAICore

/// A store that reports how long each call to the store it wraps took (and whether it failed), for `/metrics`'
/// store-latency histogram. Every call is forwarded unchanged.
///
/// ```swift
/// let store = ObservedStore(base: sqlite) { operation, duration, failed in
///     print("\(operation) took \(duration)\(failed ? " and failed" : "")")
/// }
/// ```
public struct ObservedStore: BenchmarkStore {
    /// The store's operations, as the metrics label them.
    public enum Operation: String, Sendable, CaseIterable {
        case migrate, submit, run, runs, count, setStatus = "set_status", importRuns = "import_runs",
             addReproduction = "add_reproduction", reproductions, addFeedback = "add_feedback", feedback, history,
             archiveSnapshot = "archive_snapshot", archivedSnapshot = "archived_snapshot", snapshotDays = "snapshot_days",
             requestRun = "request_run", benchmarkRequests = "benchmark_requests", subscribe, confirmSubscription = "confirm_subscription",
             unsubscribe, subscribers, recordDigestSent = "record_digest_sent", forgetDigestSent = "forget_digest_sent"
    }

    public let base: any BenchmarkStore
    public let observe: @Sendable (Operation, Duration, Bool) -> Void

    public init(base: any BenchmarkStore, observe: @escaping @Sendable (Operation, Duration, Bool) -> Void) {
        self.base = base; self.observe = observe
    }

    private func timed<T>(_ op: Operation, _ body: () async throws -> T) async throws -> T {
        let start = ContinuousClock.now
        do {
            let value = try await body()
            observe(op, ContinuousClock.now - start, false)
            return value
        } catch {
            observe(op, ContinuousClock.now - start, true)
            throw error
        }
    }

    public func migrate() async throws { try await timed(.migrate) { try await base.migrate() } }
    public func submit(_ run: BenchmarkRun) async throws -> BenchmarkRun { try await timed(.submit) { try await base.submit(run) } }
    public func run(id: String) async throws -> BenchmarkRun? { try await timed(.run) { try await base.run(id: id) } }
    public func runs(_ query: BenchmarkQuery) async throws -> [BenchmarkRun] { try await timed(.runs) { try await base.runs(query) } }
    public func count(_ query: BenchmarkQuery) async throws -> Int { try await timed(.count) { try await base.count(query) } }
    @discardableResult
    public func setStatus(id: String, to status: BenchmarkRun.Status, by moderator: String, note: String?) async throws -> BenchmarkRun {
        try await timed(.setStatus) { try await base.setStatus(id: id, to: status, by: moderator, note: note) }
    }
    public func importRuns(_ runs: [BenchmarkRun]) async throws -> Int { try await timed(.importRuns) { try await base.importRuns(runs) } }
    public func addReproduction(of runID: String, by reproducingRunID: String) async throws {
        try await timed(.addReproduction) { try await base.addReproduction(of: runID, by: reproducingRunID) }
    }
    public func reproductions(of runID: String) async throws -> [BenchmarkRun] { try await timed(.reproductions) { try await base.reproductions(of: runID) } }
    public func addFeedback(_ feedback: Feedback) async throws -> Feedback { try await timed(.addFeedback) { try await base.addFeedback(feedback) } }
    public func feedback(limit: Int) async throws -> [Feedback] { try await timed(.feedback) { try await base.feedback(limit: limit) } }
    public func archiveSnapshot(day: String, body: Data) async throws -> Data { try await timed(.archiveSnapshot) { try await base.archiveSnapshot(day: day, body: body) } }
    public func archivedSnapshot(day: String) async throws -> Data? { try await timed(.archivedSnapshot) { try await base.archivedSnapshot(day: day) } }
    public func snapshotDays() async throws -> [String] { try await timed(.snapshotDays) { try await base.snapshotDays() } }
    public func history(of runID: String) async throws -> [StatusChange] { try await timed(.history) { try await base.history(of: runID) } }
    public func requestRun(_ key: BenchmarkRequest.Key, voter: String) async throws -> (request: BenchmarkRequest, created: Bool) {
        try await timed(.requestRun) { try await base.requestRun(key, voter: voter) }
    }
    public func benchmarkRequests(status: BenchmarkRequest.Status?, limit: Int) async throws -> [BenchmarkRequest] {
        try await timed(.benchmarkRequests) { try await base.benchmarkRequests(status: status, limit: limit) }
    }
    public func subscribe(email: String, token: String) async throws -> DigestSubscriber { try await timed(.subscribe) { try await base.subscribe(email: email, token: token) } }
    public func confirmSubscription(token: String) async throws -> DigestSubscriber? { try await timed(.confirmSubscription) { try await base.confirmSubscription(token: token) } }
    public func unsubscribe(token: String) async throws -> DigestSubscriber? { try await timed(.unsubscribe) { try await base.unsubscribe(token: token) } }
    public func subscribers(status: DigestSubscriber.Status) async throws -> [DigestSubscriber] { try await timed(.subscribers) { try await base.subscribers(status: status) } }
    public func recordDigestSent(month: String, email: String) async throws -> Bool { try await timed(.recordDigestSent) { try await base.recordDigestSent(month: month, email: email) } }
    public func forgetDigestSent(month: String, email: String) async throws { try await timed(.forgetDigestSent) { try await base.forgetDigestSent(month: month, email: email) } }
}
