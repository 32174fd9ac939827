import Foundation
import NIOCore
import PostgresNIO
import RunLocalAICore

/// The shared store: PostgreSQL through PostgresNIO's connection pool, for several servers on one database.
/// Every server sees another's writes as soon as they commit (each operation is its own transaction).
///
/// The store owns a `PostgresClient`, and the server owns its life: the client only connects while its `run()`
/// is running. In a Hummingbird app add it to the service group (`PostgresClient` is a ServiceLifecycle
/// `Service`, so graceful shutdown closes the pool); elsewhere run it in a task and cancel the task to close.
///
/// ```swift
/// let store = try PostgresBenchmarkStore(url: "postgres://runlocalai:secret@db:5432/runlocalai")
/// let app = Application(router: router, services: [store.client])      // Hummingbird 2: the app runs the client
/// // or, without a service group:
/// let running = Task { await store.client.run() }
/// try await store.migrate()
/// let saved = try await store.submit(run)
/// running.cancel()                                                     // closes the pool
/// ```
///
/// Migrations are versioned in `schema_migrations` and applied under an advisory lock, so servers starting
/// together apply each exactly once. `schema` (a plain identifier) puts the tables in their own PostgreSQL
/// schema, through the connection's `search_path`: the tests give every test a schema of its own.
public final class PostgresBenchmarkStore: BenchmarkStore {
    /// The connection pool; run it (``PostgresClient/run()``) for as long as the store is used.
    public let client: PostgresClient
    /// The PostgreSQL schema holding the tables (nil: the role's default `search_path`, normally `public`).
    public let schema: String?
    let logger: Logger

    /// A store over a new client for `configuration`.
    public init(configuration: PostgresClient.Configuration, schema: String? = nil,
                logger: Logger = Logger(label: "runlocalai.store.postgres")) throws {
        var configuration = configuration
        if let schema {
            guard Self.isPlainIdentifier(schema) else {
                throw BenchmarkStoreError.invalidValue(field: "schema", reason: "'\(schema)' is not a plain identifier (a-z, 0-9, _; at most 63)")
            }
            configuration.options.additionalStartupParameters.append(("search_path", schema))
        }
        self.schema = schema
        self.logger = logger
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
    }

    /// A store for a `postgres://user:password@host:port/database` URL. `?sslmode=disable|prefer|require` picks
    /// TLS; without it, TLS is off for a loopback host and preferred otherwise.
    public convenience init(url: String, schema: String? = nil, logger: Logger = Logger(label: "runlocalai.store.postgres")) throws {
        try self.init(configuration: try Self.configuration(url: url), schema: schema, logger: logger)
    }

    /// Parses a PostgreSQL URL into a client configuration.
    public static func configuration(url: String) throws -> PostgresClient.Configuration {
        guard let c = URLComponents(string: url), ["postgres", "postgresql"].contains(c.scheme ?? ""), let host = c.host, !host.isEmpty,
              let user = c.user, !user.isEmpty else {
            throw BenchmarkStoreError.invalidValue(field: "url", reason: "expected postgres://user:password@host:port/database")
        }
        let database = String(c.path.drop(while: { $0 == "/" }))
        let mode = c.queryItems?.first { $0.name == "sslmode" }?.value
        let loopback = ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host)
        let tls: PostgresClient.Configuration.TLS
        switch mode ?? (loopback ? "disable" : "prefer") {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
        case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        default: throw BenchmarkStoreError.invalidValue(field: "url", reason: "sslmode '\(mode ?? "")' is not disable, prefer or require")
        }
        return PostgresClient.Configuration(host: host, port: c.port ?? 5432, username: user, password: c.password,
                                            database: database.isEmpty ? nil : database, tls: tls)
    }

    /// Runs the connection pool until the calling task is cancelled (the same as `client.run()`).
    public func run() async { await client.run() }

    /// Drops this store's schema and everything in it (tests clean up with it). Refuses without a schema.
    func dropSchema() async throws {
        guard let schema else { throw BenchmarkStoreError.invalidValue(field: "schema", reason: "no schema of its own to drop") }
        try await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE"), logger: logger)
    }

    static func isPlainIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, s.utf8.count <= 63, ("a"..."z").contains(first) || first == "_" else { return false }
        return s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    // MARK: Migrations

    /// The versioned migrations, one statement per entry (the extended protocol runs one at a time).
    static let migrations: [(version: Int64, name: String, statements: [String])] = [
        (1, "runs, status history, reproductions, feedback", [
            """
            CREATE TABLE runs (
                seq BIGSERIAL PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                digest TEXT NOT NULL UNIQUE,
                model TEXT NOT NULL,
                quant TEXT NOT NULL,
                hardware TEXT NOT NULL,
                hardware_count BIGINT NOT NULL,
                runtime TEXT NOT NULL,
                runtime_version TEXT,
                backend TEXT,
                context BIGINT,
                flash_attention BOOLEAN,
                kv_type TEXT,
                gpu_layers BIGINT,
                prompt_tokens BIGINT,
                generated_tokens BIGINT,
                prefill_tps DOUBLE PRECISION,
                decode_tps DOUBLE PRECISION NOT NULL,
                ttft_ms DOUBLE PRECISION,
                peak_vram_bytes BIGINT,
                peak_ram_bytes BIGINT,
                power_watts DOUBLE PRECISION,
                os TEXT,
                measured_at BIGINT,
                submitter TEXT,
                command TEXT,
                log_excerpt TEXT,
                log_url TEXT,
                log_sha256 TEXT,
                source TEXT,
                status TEXT NOT NULL,
                submitted_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX runs_by_tuple ON runs(model, quant, status)",
            "CREATE INDEX runs_by_status ON runs(status, submitted_at)",
            """
            CREATE TABLE status_history (
                seq BIGSERIAL PRIMARY KEY,
                run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                from_status TEXT,
                to_status TEXT NOT NULL,
                moderator TEXT NOT NULL,
                note TEXT,
                at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX status_history_by_run ON status_history(run_id, seq)",
            """
            CREATE TABLE reproductions (
                run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                reproducing_run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (run_id, reproducing_run_id),
                CHECK (run_id <> reproducing_run_id)
            )
            """,
            """
            CREATE TABLE feedback (
                seq BIGSERIAL PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                page TEXT NOT NULL,
                message TEXT NOT NULL,
                contact TEXT,
                created_at BIGINT NOT NULL
            )
            """,
        ]),
        (2, "open-data snapshots archived by day", [
            "CREATE TABLE snapshots (day TEXT PRIMARY KEY, body BYTEA NOT NULL, created_at BIGINT NOT NULL)",
        ]),
        (3, "benchmark requests and their votes", [
            """
            CREATE TABLE benchmark_requests (
                seq BIGSERIAL PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                model TEXT NOT NULL,
                quant TEXT NOT NULL,
                hardware TEXT NOT NULL,
                hardware_count BIGINT NOT NULL,
                status TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                closed_at BIGINT,
                closed_by TEXT,
                UNIQUE (model, quant, hardware, hardware_count)
            )
            """,
            """
            CREATE TABLE benchmark_request_votes (
                request_id TEXT NOT NULL REFERENCES benchmark_requests(id) ON DELETE CASCADE,
                voter TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (request_id, voter)
            )
            """,
        ]),
        (4, "digest subscribers and sends", [
            """
            CREATE TABLE digest_subscribers (
                email TEXT PRIMARY KEY,
                token TEXT NOT NULL UNIQUE,
                status TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                confirmed_at BIGINT
            )
            """,
            "CREATE TABLE digest_sends (month TEXT NOT NULL, email TEXT NOT NULL, sent_at BIGINT NOT NULL, PRIMARY KEY (month, email))",
        ]),
    ]

    public func migrate() async throws {
        try await transaction { conn in
            // One migrator at a time across every server on this database.
            try await conn.query("SELECT pg_advisory_xact_lock(727465310)", logger: logger)
            if let schema {
                // An identifier (checked in init), not a value: it cannot be a bind parameter.
                try await conn.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \"\(schema)\""), logger: logger)
            }
            try await conn.query("""
                CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)
                """, logger: logger)
            var applied = Set<Int64>()
            for try await version in try await conn.query("SELECT version FROM schema_migrations", logger: logger).decode(Int64.self) {
                applied.insert(version)
            }
            for m in Self.migrations where !applied.contains(m.version) {
                for statement in m.statements { try await conn.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
                try await conn.query("""
                    INSERT INTO schema_migrations (version, name, applied_at) VALUES (\(m.version), \(m.name), \(StoreTime.milliseconds(Date())))
                    """, logger: logger)
            }
        }
    }

    // MARK: Runs

    static let insertSQL = "INSERT INTO runs (\(RunRow.columnList)) VALUES (\((1...RunRow.columns.count).map { "$\($0)" }.joined(separator: ", ")))"
    static let selectSQL = "SELECT \(RunRow.columnList) FROM runs"

    public func submit(_ run: BenchmarkRun) async throws -> BenchmarkRun {
        var r = run
        r.id = StoreID.make()
        r.status = .pending
        r.submittedAt = StoreTime.now()
        r.measuredAt = r.measuredAt.map(StoreTime.normalized)
        let values = try RunRow.values(r, id: r.id!, submittedAt: r.submittedAt!)
        let saved = r
        let digest = saved.identityDigest
        try await transaction { conn in
            let inserted = try await conn.query(Self.query(Self.insertSQL + " ON CONFLICT (digest) DO NOTHING RETURNING id", values), logger: logger)
                .collect().count
            guard inserted == 1 else {
                let rows: PostgresRowSequence = try await conn.query("SELECT id FROM runs WHERE digest = \(digest)", logger: logger)
                var existing = "?"
                for try await id in rows.decode(String.self) { existing = id }
                throw BenchmarkStoreError.duplicate(existingID: existing)
            }
            try await Self.recordChange(conn, StatusChange(runID: saved.id!, from: nil, to: .pending, by: saved.submitter ?? "anonymous",
                                                           at: saved.submittedAt!), logger: logger)
        }
        return saved
    }

    public func run(id: String) async throws -> BenchmarkRun? {
        try await fetchRuns(Self.query(Self.selectSQL + " WHERE id = $1", [.text(id)])).first
    }

    public func runs(_ query: BenchmarkQuery) async throws -> [BenchmarkRun] {
        var (whereSQL, values) = Self.filter(query)
        func next(_ v: SQLValue) -> String { values.append(v); return "$\(values.count)" }
        let sql = Self.selectSQL + whereSQL + " ORDER BY submitted_at DESC, seq DESC"
            + " LIMIT \(next(.integer(Int64(query.clampedLimit)))) OFFSET \(next(.integer(Int64(query.clampedOffset))))"
        return try await fetchRuns(Self.query(sql, values))
    }

    public func count(_ query: BenchmarkQuery) async throws -> Int {
        let (whereSQL, values) = Self.filter(query)
        let rows = try await client.query(Self.query("SELECT COUNT(*) FROM runs" + whereSQL, values), logger: logger)
        for try await (n) in rows.decode(Int64.self) { return Int(n) }
        return 0
    }

    /// The WHERE clause (with a leading space, or empty) and its numbered parameters for a query's filters.
    static func filter(_ query: BenchmarkQuery) -> (String, [SQLValue]) {
        var clauses: [String] = []
        var values: [SQLValue] = []
        func next(_ v: SQLValue) -> String { values.append(v); return "$\(values.count)" }
        let statuses = query.sortedStatuses
        if !statuses.isEmpty { clauses.append("status IN (\(statuses.map { next(.text($0)) }.joined(separator: ", ")))") }
        if let m = query.model { clauses.append("model = \(next(.text(m)))") }
        if let q = query.quant { clauses.append("quant = \(next(.text(q)))") }
        if let rt = query.runtime { clauses.append("runtime = \(next(.text(rt)))") }
        if let h = query.hardware { clauses.append("jsonb_exists(hardware::jsonb, \(next(.text(h))))") }
        return (clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND "), values)
    }

    @discardableResult
    public func setStatus(id: String, to status: BenchmarkRun.Status, by moderator: String, note: String?) async throws -> BenchmarkRun {
        try RunRow.checkModeration(by: moderator, note: note)
        return try await transaction { conn in
            let rows = try await conn.query(Self.query(Self.selectSQL + " WHERE id = $1 FOR UPDATE", [.text(id)]), logger: logger).collect()
            guard let row = rows.first else { throw BenchmarkStoreError.notFound(kind: "run", id: id) }
            var run = try Self.decodeRun(row)
            guard ModerationRules.allows(from: run.status, to: status) else {
                throw BenchmarkStoreError.illegalTransition(id: id, from: run.status, to: status)
            }
            try await conn.query("UPDATE runs SET status = \(status.rawValue) WHERE id = \(id)", logger: logger)
            try await Self.recordChange(conn, StatusChange(runID: id, from: run.status, to: status, by: moderator, at: StoreTime.now(), note: note),
                                        logger: logger)
            run.status = status
            if BenchmarkRequest.closingStatuses.contains(status), run.hardware.count == 1 {
                // A published run answers the open requests for its model (at its quantisation or any) on its hardware.
                let now = StoreTime.milliseconds(StoreTime.now()), count = Int64(run.hardwareCount)
                try await conn.query("""
                    UPDATE benchmark_requests SET status = 'closed', closed_at = \(now), closed_by = \(id)
                    WHERE status = 'open' AND model = \(run.model) AND (quant = '' OR quant = \(run.quant)) AND hardware = \(run.hardware[0])
                      AND hardware_count = \(count)
                    """, logger: logger)
            }
            return run
        }
    }

    public func importRuns(_ runs: [BenchmarkRun]) async throws -> Int {
        // Every record is checked before anything is written: an import is all or nothing.
        let prepared = try RunRow.prepareImport(runs)
        let now = StoreTime.now()
        return try await transaction { conn in
            var added = 0
            for (run, values) in prepared {
                var values = values
                var id = run.id ?? StoreID.make()
                if try await conn.query("SELECT 1 FROM runs WHERE id = \(id)", logger: logger).collect().count > 0 { id = StoreID.make() }
                values[0] = .text(id)
                let inserted = try await conn.query(Self.query(Self.insertSQL + " ON CONFLICT (digest) DO NOTHING RETURNING id", values),
                                                    logger: logger).collect().count
                guard inserted == 1 else { continue }
                added += 1
                try await Self.recordChange(conn, StatusChange(runID: id, from: nil, to: run.status, by: "import", at: now, note: run.source),
                                            logger: logger)
            }
            return added
        }
    }

    public func addReproduction(of runID: String, by reproducingRunID: String) async throws {
        guard runID != reproducingRunID else {
            throw BenchmarkStoreError.invalidValue(field: "reproduction", reason: "run '\(runID)' cannot reproduce itself")
        }
        try await transaction { conn in
            for id in [runID, reproducingRunID] {
                if try await conn.query("SELECT 1 FROM runs WHERE id = \(id)", logger: logger).collect().isEmpty {
                    throw BenchmarkStoreError.notFound(kind: "run", id: id)
                }
            }
            try await conn.query("""
                INSERT INTO reproductions (run_id, reproducing_run_id, created_at) VALUES (\(runID), \(reproducingRunID), \(StoreTime.milliseconds(Date())))
                ON CONFLICT (run_id, reproducing_run_id) DO NOTHING
                """, logger: logger)
        }
    }

    public func reproductions(of runID: String) async throws -> [BenchmarkRun] {
        let columns = RunRow.columns.map { "runs.\($0.name)" }.joined(separator: ", ")
        return try await fetchRuns(Self.query("""
            SELECT \(columns) FROM reproductions JOIN runs ON runs.id = reproductions.reproducing_run_id
            WHERE reproductions.run_id = $1 ORDER BY reproductions.created_at, runs.seq
            """, [.text(runID)]))
    }

    public func history(of runID: String) async throws -> [StatusChange] {
        let rows = try await client.query("""
            SELECT run_id, from_status, to_status, moderator, note, at FROM status_history WHERE run_id = \(runID) ORDER BY seq
            """, logger: logger)
        var changes: [StatusChange] = []
        for try await (run, from, to, by, note, at) in rows.decode((String, String?, String, String, String?, Int64).self) {
            changes.append(StatusChange(runID: run, from: from.flatMap(BenchmarkRun.Status.init(rawValue:)),
                                        to: BenchmarkRun.Status(rawValue: to) ?? .pending, by: by, at: StoreTime.date(at), note: note))
        }
        return changes
    }

    // MARK: Feedback

    public func addFeedback(_ feedback: Feedback) async throws -> Feedback {
        try RunRow.checkFeedback(feedback)
        var f = feedback
        f.id = StoreID.make()
        f.createdAt = StoreTime.now()
        try await client.query("""
            INSERT INTO feedback (id, page, message, contact, created_at)
            VALUES (\(f.id!), \(f.page), \(f.message), \(f.contact), \(StoreTime.milliseconds(f.createdAt!)))
            """, logger: logger)
        return f
    }

    public func feedback(limit: Int) async throws -> [Feedback] {
        let n = Int64(min(max(limit, 0), 1000))
        let rows = try await client.query(
            "SELECT id, page, message, contact, created_at FROM feedback ORDER BY created_at DESC, seq DESC LIMIT \(n)", logger: logger)
        var out: [Feedback] = []
        for try await (id, page, message, contact, at) in rows.decode((String, String, String, String?, Int64).self) {
            out.append(Feedback(id: id, page: page, message: message, contact: contact, createdAt: StoreTime.date(at)))
        }
        return out
    }

    // MARK: Snapshots

    public func archiveSnapshot(day: String, body: Data) async throws -> Data {
        let bytes = ByteBuffer(bytes: body)
        try await client.query("""
            INSERT INTO snapshots (day, body, created_at) VALUES (\(day), \(bytes), \(StoreTime.milliseconds(StoreTime.now()))) ON CONFLICT (day) DO NOTHING
            """, logger: logger)
        return try await archivedSnapshot(day: day) ?? body
    }

    public func archivedSnapshot(day: String) async throws -> Data? {
        let rows = try await client.query("SELECT body FROM snapshots WHERE day = \(day)", logger: logger)
        for try await buffer in rows.decode(ByteBuffer.self) { return Data(buffer.readableBytesView) }
        return nil
    }

    public func snapshotDays() async throws -> [String] {
        var days: [String] = []
        for try await day in try await client.query("SELECT day FROM snapshots ORDER BY day", logger: logger).decode(String.self) { days.append(day) }
        return days
    }

    // MARK: Benchmark requests

    public func requestRun(_ key: BenchmarkRequest.Key, voter: String) async throws -> (request: BenchmarkRequest, created: Bool) {
        try BenchmarkRequest.check(key, voter: voter)
        let now = StoreTime.milliseconds(StoreTime.now()), quant = key.quant ?? "", count = Int64(key.hardwareCount), newID = StoreID.make()
        let (id, created): (String, Bool) = try await transaction { conn in
            let inserted = try await conn.query("""
                INSERT INTO benchmark_requests (id, model, quant, hardware, hardware_count, status, created_at)
                VALUES (\(newID), \(key.model), \(quant), \(key.hardware), \(count), 'open', \(now))
                ON CONFLICT (model, quant, hardware, hardware_count) DO NOTHING RETURNING id
                """, logger: logger).collect().count == 1
            var found: String?
            for try await id in try await conn.query("""
                SELECT id FROM benchmark_requests WHERE model = \(key.model) AND quant = \(quant) AND hardware = \(key.hardware) AND hardware_count = \(count)
                """, logger: logger).decode(String.self) { found = id }
            guard let found else { throw BenchmarkStoreError.notFound(kind: "request", id: key.model) }
            try await conn.query("""
                INSERT INTO benchmark_request_votes (request_id, voter, created_at) VALUES (\(found), \(voter), \(now)) ON CONFLICT DO NOTHING
                """, logger: logger)
            return (found, inserted)
        }
        return (try await fetchRequests(Self.query(Self.requestSQL + " WHERE r.id = $1 ORDER BY votes DESC LIMIT 1", [.text(id)]))[0], created)
    }

    public func benchmarkRequests(status: BenchmarkRequest.Status?, limit: Int) async throws -> [BenchmarkRequest] {
        let n = min(max(limit, 0), 1000)
        if let status {
            return try await fetchRequests(Self.query(Self.requestSQL + " WHERE r.status = $1 ORDER BY votes DESC, r.created_at, r.seq LIMIT \(n)", [.text(status.rawValue)]))
        }
        return try await fetchRequests(Self.query(Self.requestSQL + " ORDER BY votes DESC, r.created_at, r.seq LIMIT \(n)", []))
    }

    static let requestSQL = """
        SELECT r.id, r.model, r.quant, r.hardware, r.hardware_count, r.status, r.created_at, r.closed_at, r.closed_by,
               (SELECT COUNT(*) FROM benchmark_request_votes v WHERE v.request_id = r.id) AS votes
        FROM benchmark_requests r
        """

    func fetchRequests(_ query: PostgresQuery) async throws -> [BenchmarkRequest] {
        var out: [BenchmarkRequest] = []
        let rows = try await client.query(query, logger: logger)
        for try await (id, model, quant, hardware, count, status, created, closedAt, closedBy, votes)
            in rows.decode((String, String, String, String, Int64, String, Int64, Int64?, String?, Int64).self) {
            out.append(BenchmarkRequest(id: id, key: .init(model: model, quant: quant.isEmpty ? nil : quant, hardware: hardware, hardwareCount: Int(count)),
                                        votes: Int(votes), status: BenchmarkRequest.Status(rawValue: status) ?? .open, createdAt: StoreTime.date(created),
                                        closedAt: closedAt.map(StoreTime.date), closedBy: closedBy))
        }
        return out
    }

    // MARK: Digest subscribers

    public func subscribe(email: String, token: String) async throws -> DigestSubscriber {
        let e = try DigestSubscriber.normalised(email)
        guard DigestSubscriber.checkToken(token) else { throw BenchmarkStoreError.invalidValue(field: "token", reason: "a token is 32 hex digits") }
        let now = StoreTime.milliseconds(StoreTime.now())
        try await transaction { conn in
            try await conn.query("""
                INSERT INTO digest_subscribers (email, token, status, created_at) VALUES (\(e), \(token), 'pending', \(now)) ON CONFLICT (email) DO NOTHING
                """, logger: logger)
            try await conn.query("""
                UPDATE digest_subscribers SET status = 'pending', token = \(token), created_at = \(now), confirmed_at = NULL
                WHERE email = \(e) AND status = 'unsubscribed'
                """, logger: logger)
        }
        return try await subscriber(Self.query(Self.subscriberSQL + " WHERE email = $1", [.text(e)]))!
    }

    public func confirmSubscription(token: String) async throws -> DigestSubscriber? {
        guard DigestSubscriber.checkToken(token) else { return nil }
        let now = StoreTime.milliseconds(StoreTime.now())
        try await client.query("UPDATE digest_subscribers SET status = 'confirmed', confirmed_at = \(now) WHERE token = \(token) AND status = 'pending'", logger: logger)
        return try await subscriber(Self.query(Self.subscriberSQL + " WHERE token = $1", [.text(token)]))
    }

    public func unsubscribe(token: String) async throws -> DigestSubscriber? {
        guard DigestSubscriber.checkToken(token) else { return nil }
        try await client.query("UPDATE digest_subscribers SET status = 'unsubscribed' WHERE token = \(token)", logger: logger)
        return try await subscriber(Self.query(Self.subscriberSQL + " WHERE token = $1", [.text(token)]))
    }

    public func subscribers(status: DigestSubscriber.Status) async throws -> [DigestSubscriber] {
        try await subscribers(Self.query(Self.subscriberSQL + " WHERE status = $1 ORDER BY created_at, email", [.text(status.rawValue)]))
    }

    public func recordDigestSent(month: String, email: String) async throws -> Bool {
        let now = StoreTime.milliseconds(StoreTime.now()), e = email.lowercased()
        let rows = try await client.query("""
            INSERT INTO digest_sends (month, email, sent_at) VALUES (\(month), \(e), \(now)) ON CONFLICT DO NOTHING RETURNING month
            """, logger: logger).collect()
        return rows.count == 1
    }

    public func forgetDigestSent(month: String, email: String) async throws {
        let e = email.lowercased()
        try await client.query("DELETE FROM digest_sends WHERE month = \(month) AND email = \(e)", logger: logger)
    }

    static let subscriberSQL = "SELECT email, token, status, created_at, confirmed_at FROM digest_subscribers"

    func subscriber(_ q: PostgresQuery) async throws -> DigestSubscriber? { try await subscribers(q).first }

    func subscribers(_ q: PostgresQuery) async throws -> [DigestSubscriber] {
        var out: [DigestSubscriber] = []
        for try await (email, token, status, created, confirmed) in try await client.query(q, logger: logger).decode((String, String, String, Int64, Int64?).self) {
            out.append(DigestSubscriber(email: email, token: token, status: DigestSubscriber.Status(rawValue: status) ?? .pending,
                                        createdAt: StoreTime.date(created), confirmedAt: confirmed.map(StoreTime.date)))
        }
        return out
    }

    // MARK: Rows

    /// Runs `body` in one transaction on one pooled connection; rolls back and rethrows its error unchanged.
    func transaction<T>(_ body: (PostgresConnection) async throws -> sending T) async throws -> sending T {
        try await client.withConnection { conn in
            try await conn.query("BEGIN", logger: logger)
            do {
                let value = try await body(conn)
                try await conn.query("COMMIT", logger: logger)
                return value
            } catch {
                _ = try? await conn.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    static func recordChange(_ conn: PostgresConnection, _ c: StatusChange, logger: Logger) async throws {
        try await conn.query("""
            INSERT INTO status_history (run_id, from_status, to_status, moderator, note, at)
            VALUES (\(c.runID), \(c.from?.rawValue), \(c.to.rawValue), \(c.by), \(c.note), \(StoreTime.milliseconds(c.at)))
            """, logger: logger)
    }

    func fetchRuns(_ query: PostgresQuery) async throws -> [BenchmarkRun] {
        var runs: [BenchmarkRun] = []
        for try await row in try await client.query(query, logger: logger) { runs.append(try Self.decodeRun(row)) }
        return runs
    }

    /// A statement with `$n` placeholders and its values, bound as parameters (never spliced into the SQL).
    static func query(_ sql: String, _ values: [SQLValue]) -> PostgresQuery {
        var binds = PostgresBindings(capacity: values.count)
        for v in values {
            switch v {
            case .null: binds.appendNull()
            case .integer(let i): binds.append(i)
            case .real(let d): binds.append(d)
            case .text(let s): binds.append(s)
            case .bool(let b): binds.append(b)
            }
        }
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    static let kinds = Dictionary(uniqueKeysWithValues: RunRow.columns.map { ($0.name, $0.kind) })

    static func decodeRun(_ row: PostgresRow) throws -> BenchmarkRun {
        let cells = row.makeRandomAccess()
        return try RunRow.run { column in
            let cell = cells[column]
            guard cell.bytes != nil else { return .null }
            switch kinds[column] ?? .text {
            case .text: return .text(try cell.decode(String.self))
            case .integer: return .integer(try cell.decode(Int64.self))
            case .real: return .real(try cell.decode(Double.self))
            case .bool: return .bool(try cell.decode(Bool.self))
            }
        }
    }
}
