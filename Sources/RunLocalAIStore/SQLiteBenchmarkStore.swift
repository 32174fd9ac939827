import Foundation
import GRDB
import RunLocalAICore

/// The embedded store: one SQLite file through GRDB, the default for a single server.
///
/// The file is opened as a `DatabasePool` in WAL mode (readers never wait for the writer) with
/// `synchronous = FULL`, so a write that returned is on disk: a ``submit(_:)`` acknowledged survives the process
/// being killed (or the machine losing power) right after. Migrations are GRDB's `DatabaseMigrator`
/// (table `grdb_migrations`), the same logical schema as ``PostgresBenchmarkStore``'s.
///
/// ```swift
/// let store = try SQLiteBenchmarkStore(path: dataDir.appendingPathComponent("runlocalai.sqlite").path)
/// try await store.migrate()
/// let saved = try await store.submit(run)          // .pending, with an id
/// try await store.setStatus(id: saved.id!, to: .approved, by: "operator", note: "log checked")
/// ```
public final class SQLiteBenchmarkStore: BenchmarkStore {
    /// The database file.
    public let path: String
    let pool: DatabasePool

    /// Opens (creating if needed) the database file and its folder. Call ``migrate()`` before use.
    public init(path: String) throws {
        self.path = path
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var config = Configuration()
        config.foreignKeysEnabled = true
        // Another process (a second server, a backup) may hold the write lock for a moment.
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            // WAL is DatabasePool's journal mode; FULL syncs the WAL on every commit (NORMAL would not).
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        pool = try DatabasePool(path: path, configuration: config)
    }

    // MARK: Migrations

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1 runs, status history, reproductions, feedback") { db in
            try db.execute(sql: """
                CREATE TABLE runs (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    digest TEXT NOT NULL UNIQUE,
                    model TEXT NOT NULL,
                    quant TEXT NOT NULL,
                    hardware TEXT NOT NULL,
                    hardware_count INTEGER NOT NULL,
                    runtime TEXT NOT NULL,
                    runtime_version TEXT,
                    backend TEXT,
                    context INTEGER,
                    flash_attention BOOLEAN,
                    kv_type TEXT,
                    gpu_layers INTEGER,
                    prompt_tokens INTEGER,
                    generated_tokens INTEGER,
                    prefill_tps REAL,
                    decode_tps REAL NOT NULL,
                    ttft_ms REAL,
                    peak_vram_bytes INTEGER,
                    peak_ram_bytes INTEGER,
                    power_watts REAL,
                    os TEXT,
                    measured_at INTEGER,
                    submitter TEXT,
                    command TEXT,
                    log_excerpt TEXT,
                    log_url TEXT,
                    log_sha256 TEXT,
                    source TEXT,
                    status TEXT NOT NULL,
                    submitted_at INTEGER NOT NULL
                );
                CREATE INDEX runs_by_tuple ON runs(model, quant, status);
                CREATE INDEX runs_by_status ON runs(status, submitted_at);
                CREATE TABLE status_history (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    from_status TEXT,
                    to_status TEXT NOT NULL,
                    moderator TEXT NOT NULL,
                    note TEXT,
                    at INTEGER NOT NULL
                );
                CREATE INDEX status_history_by_run ON status_history(run_id, seq);
                CREATE TABLE reproductions (
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    reproducing_run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    created_at INTEGER NOT NULL,
                    PRIMARY KEY (run_id, reproducing_run_id),
                    CHECK (run_id <> reproducing_run_id)
                );
                CREATE TABLE feedback (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    page TEXT NOT NULL,
                    message TEXT NOT NULL,
                    contact TEXT,
                    created_at INTEGER NOT NULL
                );
                """)
        }
        m.registerMigration("v2 open-data snapshots archived by day") { db in
            try db.execute(sql: "CREATE TABLE snapshots (day TEXT PRIMARY KEY, body BLOB NOT NULL, created_at INTEGER NOT NULL)")
        }
        m.registerMigration("v3 benchmark requests and their votes") { db in
            try db.execute(sql: """
                CREATE TABLE benchmark_requests (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    model TEXT NOT NULL,
                    quant TEXT NOT NULL,
                    hardware TEXT NOT NULL,
                    hardware_count INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    closed_at INTEGER,
                    closed_by TEXT,
                    UNIQUE (model, quant, hardware, hardware_count)
                );
                CREATE TABLE benchmark_request_votes (
                    request_id TEXT NOT NULL REFERENCES benchmark_requests(id) ON DELETE CASCADE,
                    voter TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    PRIMARY KEY (request_id, voter)
                );
                """)
        }
        m.registerMigration("v4 digest subscribers and sends") { db in
            try db.execute(sql: """
                CREATE TABLE digest_subscribers (
                    email TEXT PRIMARY KEY,
                    token TEXT NOT NULL UNIQUE,
                    status TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    confirmed_at INTEGER
                );
                CREATE TABLE digest_sends (
                    month TEXT NOT NULL,
                    email TEXT NOT NULL,
                    sent_at INTEGER NOT NULL,
                    PRIMARY KEY (month, email)
                );
                """)
        }
        return m
    }

    public func migrate() async throws {
        try Self.migrator.migrate(pool)
    }

    // MARK: Runs

    static let insertSQL = "INSERT INTO runs (\(RunRow.columnList)) VALUES (\(RunRow.columns.map { _ in "?" }.joined(separator: ", ")))"
    static let selectSQL = "SELECT \(RunRow.columnList) FROM runs"

    public func submit(_ run: BenchmarkRun) async throws -> BenchmarkRun {
        var r = run
        r.id = StoreID.make()
        r.status = .pending
        r.submittedAt = StoreTime.now()
        r.measuredAt = r.measuredAt.map(StoreTime.normalized)
        let values = try RunRow.values(r, id: r.id!, submittedAt: r.submittedAt!)
        let saved = r
        try await pool.write { db in
            if let existing = try String.fetchOne(db, sql: "SELECT id FROM runs WHERE digest = ?", arguments: [saved.identityDigest]) {
                throw BenchmarkStoreError.duplicate(existingID: existing)
            }
            try db.execute(sql: Self.insertSQL, arguments: Self.arguments(values))
            try Self.recordChange(db, StatusChange(runID: saved.id!, from: nil, to: .pending, by: saved.submitter ?? "anonymous",
                                                   at: saved.submittedAt!))
        }
        return saved
    }

    public func run(id: String) async throws -> BenchmarkRun? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: Self.selectSQL + " WHERE id = ?", arguments: [id]).map(Self.decodeRun)
        }
    }

    public func runs(_ query: BenchmarkQuery) async throws -> [BenchmarkRun] {
        var (whereSQL, args) = Self.filter(query)
        let sql = Self.selectSQL + whereSQL + " ORDER BY submitted_at DESC, seq DESC LIMIT ? OFFSET ?"
        args += [query.clampedLimit, query.clampedOffset]
        let arguments = StatementArguments(args)
        return try await pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.decodeRun)
        }
    }

    public func count(_ query: BenchmarkQuery) async throws -> Int {
        let (whereSQL, args) = Self.filter(query)
        let arguments = StatementArguments(args)
        return try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs" + whereSQL, arguments: arguments) ?? 0 }
    }

    /// The WHERE clause (with a leading space, or empty) and its arguments for a query's filters.
    static func filter(_ query: BenchmarkQuery) -> (String, [(any DatabaseValueConvertible)?]) {
        var clauses: [String] = []
        var args: [(any DatabaseValueConvertible)?] = []
        let statuses = query.sortedStatuses
        if !statuses.isEmpty {
            clauses.append("status IN (\(statuses.map { _ in "?" }.joined(separator: ", ")))")
            args += statuses
        }
        if let m = query.model { clauses.append("model = ?"); args.append(m) }
        if let q = query.quant { clauses.append("quant = ?"); args.append(q) }
        if let rt = query.runtime { clauses.append("runtime = ?"); args.append(rt) }
        if let h = query.hardware {
            clauses.append("EXISTS (SELECT 1 FROM json_each(runs.hardware) WHERE json_each.value = ?)")
            args.append(h)
        }
        return (clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND "), args)
    }

    @discardableResult
    public func setStatus(id: String, to status: BenchmarkRun.Status, by moderator: String, note: String?) async throws -> BenchmarkRun {
        try RunRow.checkModeration(by: moderator, note: note)
        return try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: Self.selectSQL + " WHERE id = ?", arguments: [id]) else {
                throw BenchmarkStoreError.notFound(kind: "run", id: id)
            }
            var run = try Self.decodeRun(row)
            guard ModerationRules.allows(from: run.status, to: status) else {
                throw BenchmarkStoreError.illegalTransition(id: id, from: run.status, to: status)
            }
            try db.execute(sql: "UPDATE runs SET status = ? WHERE id = ?", arguments: [status.rawValue, id])
            try Self.recordChange(db, StatusChange(runID: id, from: run.status, to: status, by: moderator, at: StoreTime.now(), note: note))
            run.status = status
            if BenchmarkRequest.closingStatuses.contains(status), run.hardware.count == 1 {
                // A published run answers the open requests for its model (at its quantisation or any) on its hardware.
                try db.execute(sql: """
                    UPDATE benchmark_requests SET status = 'closed', closed_at = ?, closed_by = ?
                    WHERE status = 'open' AND model = ? AND (quant = '' OR quant = ?) AND hardware = ? AND hardware_count = ?
                    """, arguments: [StoreTime.milliseconds(StoreTime.now()), id, run.model, run.quant, run.hardware[0], run.hardwareCount])
            }
            return run
        }
    }

    public func importRuns(_ runs: [BenchmarkRun]) async throws -> Int {
        // Every record is checked before anything is written: an import is all or nothing.
        let prepared = try RunRow.prepareImport(runs)
        let now = StoreTime.now()
        return try await pool.write { db in
            var added = 0
            for (run, values) in prepared {
                var values = values
                var id = run.id ?? StoreID.make()
                if try Bool.fetchOne(db, sql: "SELECT 1 FROM runs WHERE id = ?", arguments: [id]) ?? false { id = StoreID.make() }
                values[0] = .text(id)
                try db.execute(sql: Self.insertSQL + " ON CONFLICT(digest) DO NOTHING", arguments: Self.arguments(values))
                guard db.changesCount == 1 else { continue }
                added += 1
                try Self.recordChange(db, StatusChange(runID: id, from: nil, to: run.status, by: "import", at: now, note: run.source))
            }
            return added
        }
    }

    public func addReproduction(of runID: String, by reproducingRunID: String) async throws {
        guard runID != reproducingRunID else {
            throw BenchmarkStoreError.invalidValue(field: "reproduction", reason: "run '\(runID)' cannot reproduce itself")
        }
        try await pool.write { db in
            for id in [runID, reproducingRunID] where try !(Bool.fetchOne(db, sql: "SELECT 1 FROM runs WHERE id = ?", arguments: [id]) ?? false) {
                throw BenchmarkStoreError.notFound(kind: "run", id: id)
            }
            try db.execute(sql: """
                INSERT INTO reproductions (run_id, reproducing_run_id, created_at) VALUES (?, ?, ?)
                ON CONFLICT(run_id, reproducing_run_id) DO NOTHING
                """, arguments: [runID, reproducingRunID, StoreTime.milliseconds(Date())])
        }
    }

    public func reproductions(of runID: String) async throws -> [BenchmarkRun] {
        let columns = RunRow.columns.map { "runs.\($0.name)" }.joined(separator: ", ")
        return try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(columns) FROM reproductions JOIN runs ON runs.id = reproductions.reproducing_run_id
                WHERE reproductions.run_id = ? ORDER BY reproductions.created_at, runs.seq
                """, arguments: [runID]).map(Self.decodeRun)
        }
    }

    public func history(of runID: String) async throws -> [StatusChange] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT run_id, from_status, to_status, moderator, note, at FROM status_history WHERE run_id = ? ORDER BY seq
                """, arguments: [runID]).map { row in
                StatusChange(runID: row["run_id"], from: (row["from_status"] as String?).flatMap(BenchmarkRun.Status.init(rawValue:)),
                             to: BenchmarkRun.Status(rawValue: row["to_status"]) ?? .pending, by: row["moderator"],
                             at: StoreTime.date(row["at"]), note: row["note"])
            }
        }
    }

    // MARK: Feedback

    public func addFeedback(_ feedback: Feedback) async throws -> Feedback {
        try RunRow.checkFeedback(feedback)
        var f = feedback
        f.id = StoreID.make()
        f.createdAt = StoreTime.now()
        let saved = f
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO feedback (id, page, message, contact, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [saved.id, saved.page, saved.message, saved.contact, StoreTime.milliseconds(saved.createdAt!)])
        }
        return saved
    }

    public func feedback(limit: Int) async throws -> [Feedback] {
        let n = min(max(limit, 0), 1000)
        return try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, page, message, contact, created_at FROM feedback ORDER BY created_at DESC, seq DESC LIMIT ?",
                             arguments: [n]).map { row in
                Feedback(id: row["id"], page: row["page"], message: row["message"], contact: row["contact"],
                         createdAt: StoreTime.date(row["created_at"]))
            }
        }
    }

    // MARK: Snapshots

    public func archiveSnapshot(day: String, body: Data) async throws -> Data {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO snapshots (day, body, created_at) VALUES (?, ?, ?) ON CONFLICT (day) DO NOTHING",
                           arguments: [day, body, StoreTime.milliseconds(StoreTime.now())])
            return try Data.fetchOne(db, sql: "SELECT body FROM snapshots WHERE day = ?", arguments: [day]) ?? body
        }
    }

    public func archivedSnapshot(day: String) async throws -> Data? {
        try await pool.read { db in try Data.fetchOne(db, sql: "SELECT body FROM snapshots WHERE day = ?", arguments: [day]) }
    }

    public func snapshotDays() async throws -> [String] {
        try await pool.read { db in try String.fetchAll(db, sql: "SELECT day FROM snapshots ORDER BY day") }
    }

    // MARK: Benchmark requests

    public func requestRun(_ key: BenchmarkRequest.Key, voter: String) async throws -> (request: BenchmarkRequest, created: Bool) {
        try BenchmarkRequest.check(key, voter: voter)
        let now = StoreTime.milliseconds(StoreTime.now())
        return try await pool.write { db in
            let args: StatementArguments = [key.model, key.quant ?? "", key.hardware, key.hardwareCount]
            try db.execute(sql: """
                INSERT INTO benchmark_requests (id, model, quant, hardware, hardware_count, status, created_at) VALUES (?, ?, ?, ?, ?, 'open', ?)
                ON CONFLICT (model, quant, hardware, hardware_count) DO NOTHING
                """, arguments: [StoreID.make()] + args + [now])
            let created = db.changesCount == 1
            let where_ = "model = ? AND quant = ? AND hardware = ? AND hardware_count = ?"
            guard let id = try String.fetchOne(db, sql: "SELECT id FROM benchmark_requests WHERE \(where_)", arguments: args) else {
                throw BenchmarkStoreError.notFound(kind: "request", id: key.model)
            }
            try db.execute(sql: "INSERT INTO benchmark_request_votes (request_id, voter, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                           arguments: [id, voter, now])
            return (try Self.fetchRequests(db, where: "r.id = ?", [id], limit: 1)[0], created)
        }
    }

    public func benchmarkRequests(status: BenchmarkRequest.Status?, limit: Int) async throws -> [BenchmarkRequest] {
        try await pool.read { db in
            try Self.fetchRequests(db, where: status == nil ? "1 = 1" : "r.status = ?", status.map { [$0.rawValue] } ?? [], limit: min(max(limit, 0), 1000))
        }
    }

    static func fetchRequests(_ db: Database, where clause: String, _ args: StatementArguments, limit: Int) throws -> [BenchmarkRequest] {
        try Row.fetchAll(db, sql: """
            SELECT r.id, r.model, r.quant, r.hardware, r.hardware_count, r.status, r.created_at, r.closed_at, r.closed_by,
                   (SELECT COUNT(*) FROM benchmark_request_votes v WHERE v.request_id = r.id) AS votes
            FROM benchmark_requests r WHERE \(clause) ORDER BY votes DESC, r.created_at, r.seq LIMIT \(limit)
            """, arguments: args).map { row in
            let quant: String = row["quant"]
            return BenchmarkRequest(id: row["id"], key: .init(model: row["model"], quant: quant.isEmpty ? nil : quant, hardware: row["hardware"],
                                                              hardwareCount: row["hardware_count"]),
                                    votes: row["votes"], status: BenchmarkRequest.Status(rawValue: row["status"]) ?? .open,
                                    createdAt: StoreTime.date(row["created_at"]), closedAt: (row["closed_at"] as Int64?).map(StoreTime.date),
                                    closedBy: row["closed_by"])
        }
    }

    // MARK: Digest subscribers

    public func subscribe(email: String, token: String) async throws -> DigestSubscriber {
        let e = try DigestSubscriber.normalised(email)
        guard DigestSubscriber.checkToken(token) else { throw BenchmarkStoreError.invalidValue(field: "token", reason: "a token is 32 hex digits") }
        let now = StoreTime.milliseconds(StoreTime.now())
        return try await pool.write { db in
            try db.execute(sql: "INSERT INTO digest_subscribers (email, token, status, created_at) VALUES (?, ?, 'pending', ?) ON CONFLICT (email) DO NOTHING",
                           arguments: [e, token, now])
            try db.execute(sql: "UPDATE digest_subscribers SET status = 'pending', token = ?, created_at = ?, confirmed_at = NULL WHERE email = ? AND status = 'unsubscribed'",
                           arguments: [token, now, e])
            return try Self.subscriber(db, "email = ?", [e])!
        }
    }

    public func confirmSubscription(token: String) async throws -> DigestSubscriber? {
        guard DigestSubscriber.checkToken(token) else { return nil }
        return try await pool.write { db in
            try db.execute(sql: "UPDATE digest_subscribers SET status = 'confirmed', confirmed_at = ? WHERE token = ? AND status = 'pending'",
                           arguments: [StoreTime.milliseconds(StoreTime.now()), token])
            return try Self.subscriber(db, "token = ?", [token])
        }
    }

    public func unsubscribe(token: String) async throws -> DigestSubscriber? {
        guard DigestSubscriber.checkToken(token) else { return nil }
        return try await pool.write { db in
            try db.execute(sql: "UPDATE digest_subscribers SET status = 'unsubscribed' WHERE token = ?", arguments: [token])
            return try Self.subscriber(db, "token = ?", [token])
        }
    }

    public func subscribers(status: DigestSubscriber.Status) async throws -> [DigestSubscriber] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT email, token, status, created_at, confirmed_at FROM digest_subscribers WHERE status = ? ORDER BY created_at, email",
                             arguments: [status.rawValue]).map(Self.subscriber)
        }
    }

    public func recordDigestSent(month: String, email: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO digest_sends (month, email, sent_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                           arguments: [month, email.lowercased(), StoreTime.milliseconds(StoreTime.now())])
            return db.changesCount == 1
        }
    }

    public func forgetDigestSent(month: String, email: String) async throws {
        try await pool.write { db in try db.execute(sql: "DELETE FROM digest_sends WHERE month = ? AND email = ?", arguments: [month, email.lowercased()]) }
    }

    static func subscriber(_ db: Database, _ clause: String, _ args: StatementArguments) throws -> DigestSubscriber? {
        try Row.fetchOne(db, sql: "SELECT email, token, status, created_at, confirmed_at FROM digest_subscribers WHERE \(clause)", arguments: args).map(subscriber)
    }

    static func subscriber(_ row: Row) -> DigestSubscriber {
        DigestSubscriber(email: row["email"], token: row["token"], status: DigestSubscriber.Status(rawValue: row["status"]) ?? .pending,
                         createdAt: StoreTime.date(row["created_at"]), confirmedAt: (row["confirmed_at"] as Int64?).map(StoreTime.date))
    }

    // MARK: Rows

    static func recordChange(_ db: Database, _ c: StatusChange) throws {
        try db.execute(sql: "INSERT INTO status_history (run_id, from_status, to_status, moderator, note, at) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [c.runID, c.from?.rawValue, c.to.rawValue, c.by, c.note, StoreTime.milliseconds(c.at)])
    }

    static func arguments(_ values: [SQLValue]) -> StatementArguments {
        StatementArguments(values.map { v -> (any DatabaseValueConvertible)? in
            switch v {
            case .null: nil
            case .integer(let i): i
            case .real(let d): d
            case .text(let s): s
            case .bool(let b): b
            }
        })
    }

    static func decodeRun(_ row: Row) throws -> BenchmarkRun {
        try RunRow.run { column in
            let value: DatabaseValue = row[column]
            switch value.storage {
            case .null: return .null
            case .int64(let i): return .integer(i)
            case .double(let d): return .real(d)
            case .string(let s): return .text(s)
            case .blob(let b): return .text(String(decoding: b, as: UTF8.self))
            }
        }
    }
}

/// Ids an import may keep: the store's own shape (URL-safe, short). Others get a fresh id.
enum ImportedID {
    static func isAcceptable(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 64 && id.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
        }
    }
}

extension Date {
    /// This date as the store keeps it (to the millisecond).
    var normalizedForStore: Date { StoreTime.normalized(self) }
}
