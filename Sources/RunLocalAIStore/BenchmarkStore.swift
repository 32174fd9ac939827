import Foundation
import RunLocalAICore

/// Where benchmark runs, reproductions and feedback live. Two implementations share one conformance suite:
/// ``SQLiteBenchmarkStore`` (GRDB, the embedded default) and ``PostgresBenchmarkStore`` (several servers,
/// one database).
///
/// A successful ``submit(_:)`` means the run is durable: it survives the process being killed right after.
///
/// ```swift
/// let store: any BenchmarkStore = try SQLiteBenchmarkStore(path: "data/runlocalai.sqlite")
/// try await store.migrate()
/// let saved = try await store.submit(run)        // status .pending, id assigned
/// try await store.setStatus(id: saved.id!, to: .approved, by: "operator", note: nil)
/// ```
public protocol BenchmarkStore: Sendable {
    /// Applies the versioned migrations not yet applied (idempotent; safe to call on every start).
    func migrate() async throws
    /// Stores a new submission as `pending` and returns it with its id and submission time.
    func submit(_ run: BenchmarkRun) async throws -> BenchmarkRun
    func run(id: String) async throws -> BenchmarkRun?
    /// Runs matching the query, newest first.
    func runs(_ query: BenchmarkQuery) async throws -> [BenchmarkRun]
    /// How many runs match the query's filters (its limit and offset are ignored), counted by the database.
    func count(_ query: BenchmarkQuery) async throws -> Int
    /// Moderation: approve, reject, mark duplicate or reproduced. Throws for an unknown id.
    @discardableResult
    func setStatus(id: String, to status: BenchmarkRun.Status, by moderator: String, note: String?) async throws -> BenchmarkRun
    /// Imports published runs as they are (status kept), skipping ones already present (same digest). Returns how many were added.
    func importRuns(_ runs: [BenchmarkRun]) async throws -> Int
    /// Links a run that reproduces another.
    func addReproduction(of runID: String, by reproducingRunID: String) async throws
    func reproductions(of runID: String) async throws -> [BenchmarkRun]
    func addFeedback(_ feedback: Feedback) async throws -> Feedback
    func feedback(limit: Int) async throws -> [Feedback]
    /// Every status a run has had, oldest first: its creation (submission or import, `from` nil), then each
    /// moderation step with who, when and why. Empty for an unknown id.
    func history(of runID: String) async throws -> [StatusChange]
    /// Archives `body` as the open-data snapshot of `day` (`yyyy-mm-dd`) unless that day already has one, and returns
    /// the day's archived bytes: the first write wins, so an archived day never changes.
    func archiveSnapshot(day: String, body: Data) async throws -> Data
    /// The archived snapshot of `day`, or nil when none was archived that day.
    func archivedSnapshot(day: String) async throws -> Data?
    /// The days that have an archived snapshot, oldest first.
    func snapshotDays() async throws -> [String]
    /// Asks for a run: creates the request or adds `voter`'s vote to it (one vote per voter), and returns it with whether
    /// this call created it. A request already closed by a published run stays closed (its run answers it).
    func requestRun(_ key: BenchmarkRequest.Key, voter: String) async throws -> (request: BenchmarkRequest, created: Bool)
    /// Requests with `status` (nil: all), most votes first, then oldest.
    func benchmarkRequests(status: BenchmarkRequest.Status?, limit: Int) async throws -> [BenchmarkRequest]
    /// Signs an address up for the digest (pending until confirmed), or returns its subscription as it is: a pending one
    /// keeps its token (the confirmation can be sent again), an unsubscribed one becomes pending again with `token`.
    func subscribe(email: String, token: String) async throws -> DigestSubscriber
    /// Confirms the pending subscription with this token; nil when no subscription has it.
    func confirmSubscription(token: String) async throws -> DigestSubscriber?
    /// Ends the subscription with this token; nil when no subscription has it.
    func unsubscribe(token: String) async throws -> DigestSubscriber?
    func subscribers(status: DigestSubscriber.Status) async throws -> [DigestSubscriber]
    /// Records that `month`'s digest went to `email`; false when it already had (a second `digest send` sends nothing twice).
    func recordDigestSent(month: String, email: String) async throws -> Bool
    /// Undoes ``recordDigestSent(month:email:)`` when the mail could not be sent (the next run retries it).
    func forgetDigestSent(month: String, email: String) async throws
}

/// A filter over stored runs.
public struct BenchmarkQuery: Sendable, Hashable {
    public var model: String?
    public var quant: String?
    public var hardware: String?
    public var runtime: String?
    public var statuses: Set<BenchmarkRun.Status>
    public var limit: Int
    public var offset: Int
    public init(model: String? = nil, quant: String? = nil, hardware: String? = nil, runtime: String? = nil,
                statuses: Set<BenchmarkRun.Status> = [.approved, .reproduced, .independentlyReproduced],
                limit: Int = 100, offset: Int = 0) {
        self.model = model; self.quant = quant; self.hardware = hardware; self.runtime = runtime
        self.statuses = statuses; self.limit = limit; self.offset = offset
    }
}

/// A note a reader sends about a page or a figure.
public struct Feedback: Sendable, Hashable, Codable {
    public var id: String?
    public var page: String
    public var message: String
    public var contact: String?
    public var createdAt: Date?
    public init(id: String? = nil, page: String, message: String, contact: String? = nil, createdAt: Date? = nil) {
        self.id = id; self.page = page; self.message = message; self.contact = contact; self.createdAt = createdAt
    }
}

extension BenchmarkStore {
    /// Every run matching the query's filters (published runs by default), read a page of 1000 at a time.
    ///
    /// ```swift
    /// let published = try await store.allRuns()
    /// ```
    public func allRuns(_ filter: BenchmarkQuery = BenchmarkQuery()) async throws -> [BenchmarkRun] {
        var all: [BenchmarkRun] = []
        var query = filter
        query.limit = 1000
        while true {
            query.offset = all.count
            let page = try await runs(query)
            all += page
            if page.count < 1000 { return all }
        }
    }
}
