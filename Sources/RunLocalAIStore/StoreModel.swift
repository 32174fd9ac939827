import Foundation
import RunLocalAICore

// What both store implementations share: errors, moderation rules, hard limits, ids, duplicate digests and the
// mapping between a ``BenchmarkRun`` and its row. Keeping it here is what makes the two stores behave alike.

/// Why a store refused an operation. Every message names the problem and what to do about it.
///
/// ```swift
/// do { try await store.setStatus(id: id, to: .reproduced, by: "ops", note: nil) }
/// catch let error as BenchmarkStoreError { print(error) }   // "run 'k3…' is rejected; it cannot become reproduced …"
/// ```
public enum BenchmarkStoreError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No run (or feedback) with this id.
    case notFound(kind: String, id: String)
    /// The moderation rules do not allow this move.
    case illegalTransition(id: String, from: BenchmarkRun.Status, to: BenchmarkRun.Status)
    /// The same run (same digest) is already stored.
    case duplicate(existingID: String)
    /// A field is over the store's hard cap (the API's limits are tighter).
    case fieldTooLarge(field: String, size: Int, limit: Int)
    /// A value the store cannot keep faithfully (NaN, a NUL character, a number beyond 64-bit range…).
    case invalidValue(field: String, reason: String)

    public var description: String {
        switch self {
        case .notFound(let kind, let id):
            return "no \(kind) with id '\(id)'"
        case .illegalTransition(let id, let from, let to):
            let allowed = ModerationRules.allowedMoves(from: from).map(\.rawValue).sorted()
            let hint = allowed.isEmpty ? "no move is allowed from \(from.rawValue)" : "from \(from.rawValue) it may become \(allowed.joined(separator: ", "))"
            return "run '\(id)' is \(from.rawValue); it cannot become \(to.rawValue) (\(hint))"
        case .duplicate(let existing):
            return "this run is already stored as '\(existing)' (same model, quant, hardware, runtime, settings, figures and log digest)"
        case .fieldTooLarge(let field, let size, let limit):
            return "\(field) is \(size) bytes; the store keeps at most \(limit) bytes (trim it, or link the full log with log_url)"
        case .invalidValue(let field, let reason):
            return "\(field): \(reason)"
        }
    }
}

/// One moderation step of a run: who moved it, when, from which status to which, and why.
///
/// ```swift
/// let steps = try await store.history(of: id)
/// steps.map(\.to)   // [.pending, .approved]
/// ```
public struct StatusChange: Sendable, Hashable, Codable {
    public var runID: String
    /// nil for the step that created the run (submission or import).
    public var from: BenchmarkRun.Status?
    public var to: BenchmarkRun.Status
    public var by: String
    public var at: Date
    public var note: String?

    enum CodingKeys: String, CodingKey { case runID = "run_id", from, to, by, at, note }

    public init(runID: String, from: BenchmarkRun.Status?, to: BenchmarkRun.Status, by: String, at: Date, note: String? = nil) {
        self.runID = runID; self.from = from; self.to = to; self.by = by; self.at = at; self.note = note
    }
}

/// Which status a run may move to from its current one.
///
/// A pending run is approved, rejected or marked a duplicate; an approved run can be reproduced (by the same
/// submitter on another machine, or independently), and a published run can still be withdrawn (rejected).
/// Rejected and duplicate runs only go back to pending (re-review): a rejected run is never "reproduced".
///
/// ```swift
/// ModerationRules.allows(from: .pending, to: .approved)     // true
/// ModerationRules.allows(from: .rejected, to: .reproduced)  // false
/// ```
public enum ModerationRules {
    public static func allowedMoves(from status: BenchmarkRun.Status) -> Set<BenchmarkRun.Status> {
        switch status {
        case .pending: [.approved, .rejected, .duplicate]
        case .approved: [.reproduced, .independentlyReproduced, .rejected, .duplicate]
        case .reproduced: [.independentlyReproduced, .rejected]
        case .independentlyReproduced: [.rejected]
        case .rejected: [.pending]
        case .duplicate: [.pending]
        }
    }

    public static func allows(from: BenchmarkRun.Status, to: BenchmarkRun.Status) -> Bool {
        allowedMoves(from: from).contains(to)
    }
}

/// The store's hard caps, in UTF-8 bytes. The API and ``SubmissionValidator`` apply the same or tighter ones;
/// these are the last line, so nothing unbounded ever reaches a table.
///
/// ```swift
/// StoreLimits.logExcerptBytes   // 65_536
/// ```
public enum StoreLimits {
    public static let logExcerptBytes = 64 * 1024
    public static let commandBytes = 8 * 1024
    public static let longTextBytes = 2 * 1024      // source, log_url
    public static let shortTextBytes = 256          // ids, names, versions
    public static let hardwareEntries = 16
    public static let feedbackMessageBytes = 16 * 1024
    public static let moderationNoteBytes = 4 * 1024
}

/// Store ids: 12 random characters of lowercase RFC 4648 base32 (60 bits), URL-safe.
///
/// ```swift
/// StoreID.make()   // "k3v7q2mz6xfa"
/// ```
public enum StoreID {
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")

    public static func make() -> String {
        var g = SystemRandomNumberGenerator()
        return String((0..<12).map { _ in alphabet[Int(g.next(upperBound: UInt32(alphabet.count)))] })
    }
}

/// Times are kept to the millisecond (an integer column, identical on SQLite and PostgreSQL).
enum StoreTime {
    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    static func date(_ ms: Int64) -> Date { Date(timeIntervalSince1970: Double(ms) / 1000) }
    static func normalized(_ date: Date) -> Date { self.date(milliseconds(date)) }
    static func now() -> Date { normalized(Date()) }
}

extension BenchmarkRun {
    /// The duplicate-detection digest: SHA-256 (hex) over the fields that identify a measurement — model, quant,
    /// hardware, runtime and version, backend, settings, the figures, when it was measured, its source and its log
    /// digest. Not the id, status, submitter or submission time: the same measurement submitted twice is one run.
    /// `measured_at` counts to the second, so a run exported as JSON or CSV (ISO 8601 seconds) and imported back
    /// is still recognised.
    ///
    /// ```swift
    /// run.identityDigest == copy.identityDigest   // true even if `copy.status` differs
    /// ```
    public var identityDigest: String {
        func s(_ v: String?) -> String { v.map { "\($0.utf8.count):\($0)" } ?? "-" }
        func n<T>(_ v: T?) -> String { v.map { "\($0)" } ?? "-" }
        let parts: [String] = [
            "v1", s(model), s(quant), s(hardware.joined(separator: "\u{1F}")), "\(hardwareCount)", s(runtime), s(runtimeVersion),
            s(backend), n(context), n(flashAttention), s(kvType), n(gpuLayers), n(promptTokens), n(generatedTokens),
            n(prefillTPS), "\(decodeTPS)", n(measuredAt.map { Int64($0.timeIntervalSince1970.rounded(.down)) }), s(source),
            s(logSHA256?.lowercased()),
        ]
        return SHA256.hex(Data(parts.joined(separator: "\u{1E}").utf8))
    }
}

// MARK: - Row mapping

/// A value bound to, or read from, a column: the only four kinds the schema uses.
enum SQLValue: Sendable, Equatable {
    case null, integer(Int64), real(Double), text(String), bool(Bool)
}

/// The column kinds of the logical schema (TEXT, BIGINT, DOUBLE PRECISION, BOOLEAN).
enum ColumnKind: Sendable { case text, integer, real, bool }

/// The `runs` row of a ``BenchmarkRun`` and back. Column order is the schema's.
enum RunRow {
    /// Imported runs made ready to write: times normalised, unusable ids dropped, every field checked (throws
    /// on the first invalid record, before anything is written).
    static func prepareImport(_ runs: [BenchmarkRun]) throws -> [(BenchmarkRun, [SQLValue])] {
        let now = StoreTime.now()
        return try runs.map { run in
            var r = run
            r.submittedAt = (r.submittedAt ?? now).normalizedForStore
            r.measuredAt = r.measuredAt.map(StoreTime.normalized)
            if let id = r.id, !ImportedID.isAcceptable(id) { r.id = nil }
            return (r, try RunRow.values(r, id: r.id ?? "", submittedAt: r.submittedAt!))
        }
    }

    static let columns: [(name: String, kind: ColumnKind)] = [
        ("id", .text), ("digest", .text), ("model", .text), ("quant", .text), ("hardware", .text), ("hardware_count", .integer),
        ("runtime", .text), ("runtime_version", .text), ("backend", .text), ("context", .integer), ("flash_attention", .bool),
        ("kv_type", .text), ("gpu_layers", .integer), ("prompt_tokens", .integer), ("generated_tokens", .integer),
        ("prefill_tps", .real), ("decode_tps", .real), ("ttft_ms", .real), ("peak_vram_bytes", .integer),
        ("peak_ram_bytes", .integer), ("power_watts", .real), ("os", .text), ("measured_at", .integer), ("submitter", .text),
        ("command", .text), ("log_excerpt", .text), ("log_url", .text), ("log_sha256", .text), ("source", .text),
        ("status", .text), ("submitted_at", .integer),
    ]
    static var columnList: String { columns.map(\.name).joined(separator: ", ") }

    /// Checks the hard caps and representability, then returns the values in column order.
    static func values(_ r: BenchmarkRun, id: String, submittedAt: Date) throws -> [SQLValue] {
        try check(r)
        func t(_ v: String?) -> SQLValue { v.map { .text($0) } ?? .null }
        func i(_ v: Int?) -> SQLValue { v.map { .integer(Int64($0)) } ?? .null }
        func u(_ v: UInt64?) -> SQLValue { v.map { .integer(Int64($0)) } ?? .null }
        func d(_ v: Double?) -> SQLValue { v.map { .real($0) } ?? .null }
        let hardware = String(decoding: try JSONEncoder().encode(r.hardware), as: UTF8.self)
        return [
            .text(id), .text(r.identityDigest), .text(r.model), .text(r.quant), .text(hardware), .integer(Int64(r.hardwareCount)),
            .text(r.runtime), t(r.runtimeVersion), t(r.backend), i(r.context), r.flashAttention.map { .bool($0) } ?? .null,
            t(r.kvType), i(r.gpuLayers), i(r.promptTokens), i(r.generatedTokens),
            d(r.prefillTPS), .real(r.decodeTPS), d(r.ttftMS), u(r.peakVRAMBytes),
            u(r.peakRAMBytes), d(r.powerWatts), t(r.os), r.measuredAt.map { .integer(StoreTime.milliseconds($0)) } ?? .null, t(r.submitter),
            t(r.command), t(r.logExcerpt), t(r.logURL), t(r.logSHA256), t(r.source),
            .text(r.status.rawValue), .integer(StoreTime.milliseconds(submittedAt)),
        ]
    }

    /// Rebuilds a run from a row read by name.
    static func run(_ value: (String) throws -> SQLValue) throws -> BenchmarkRun {
        func text(_ c: String) throws -> String? { if case .text(let s) = try value(c) { s } else { nil } }
        func int(_ c: String) throws -> Int64? {
            switch try value(c) {
            case .integer(let v): v
            case .bool(let b): b ? 1 : 0
            default: nil
            }
        }
        func real(_ c: String) throws -> Double? {
            switch try value(c) {
            case .real(let v): v
            case .integer(let v): Double(v)
            default: nil
            }
        }
        func bool(_ c: String) throws -> Bool? {
            switch try value(c) {
            case .bool(let b): b
            case .integer(let v): v != 0
            default: nil
            }
        }
        let hardware = try JSONDecoder().decode([String].self, from: Data((try text("hardware") ?? "[]").utf8))
        guard let statusText = try text("status"), let status = BenchmarkRun.Status(rawValue: statusText) else {
            throw BenchmarkStoreError.invalidValue(field: "status", reason: "a stored row has an unknown status")
        }
        return BenchmarkRun(
            id: try text("id"), model: try text("model") ?? "", quant: try text("quant") ?? "", hardware: hardware,
            hardwareCount: Int(try int("hardware_count") ?? 1), runtime: try text("runtime") ?? "",
            runtimeVersion: try text("runtime_version"), backend: try text("backend"), context: try int("context").map { Int($0) },
            flashAttention: try bool("flash_attention"), kvType: try text("kv_type"), gpuLayers: try int("gpu_layers").map { Int($0) },
            promptTokens: try int("prompt_tokens").map { Int($0) }, generatedTokens: try int("generated_tokens").map { Int($0) },
            prefillTPS: try real("prefill_tps"), decodeTPS: try real("decode_tps") ?? 0, ttftMS: try real("ttft_ms"),
            peakVRAMBytes: try int("peak_vram_bytes").map { UInt64($0) }, peakRAMBytes: try int("peak_ram_bytes").map { UInt64($0) },
            powerWatts: try real("power_watts"), os: try text("os"), measuredAt: try int("measured_at").map(StoreTime.date),
            submitter: try text("submitter"), command: try text("command"), logExcerpt: try text("log_excerpt"),
            logURL: try text("log_url"), logSHA256: try text("log_sha256"), source: try text("source"), status: status,
            submittedAt: try int("submitted_at").map(StoreTime.date))
    }

    /// The hard caps and what a table cannot hold faithfully (the same refusals on SQLite and PostgreSQL).
    static func check(_ r: BenchmarkRun) throws {
        let texts: [(String, String?, Int)] = [
            ("model", r.model, StoreLimits.shortTextBytes), ("quant", r.quant, StoreLimits.shortTextBytes),
            ("runtime", r.runtime, StoreLimits.shortTextBytes), ("runtime_version", r.runtimeVersion, StoreLimits.shortTextBytes),
            ("backend", r.backend, StoreLimits.shortTextBytes), ("kv_type", r.kvType, StoreLimits.shortTextBytes),
            ("os", r.os, StoreLimits.shortTextBytes), ("submitter", r.submitter, StoreLimits.shortTextBytes),
            ("command", r.command, StoreLimits.commandBytes), ("log_excerpt", r.logExcerpt, StoreLimits.logExcerptBytes),
            ("log_url", r.logURL, StoreLimits.longTextBytes), ("log_sha256", r.logSHA256, StoreLimits.shortTextBytes),
            ("source", r.source, StoreLimits.longTextBytes),
        ] + r.hardware.map { ("hardware", $0, StoreLimits.shortTextBytes) }
        for (field, value, limit) in texts {
            guard let value else { continue }
            try checkText(field, value, limit: limit)
        }
        guard r.hardware.count <= StoreLimits.hardwareEntries else {
            throw BenchmarkStoreError.invalidValue(field: "hardware", reason: "\(r.hardware.count) entries; at most \(StoreLimits.hardwareEntries)")
        }
        let reals: [(String, Double?)] = [("decode_tps", r.decodeTPS), ("prefill_tps", r.prefillTPS), ("ttft_ms", r.ttftMS), ("power_watts", r.powerWatts)]
        for (field, value) in reals {
            if let value, !value.isFinite {
                throw BenchmarkStoreError.invalidValue(field: field, reason: "\(value) is not a finite number")
            }
        }
        for (field, value) in [("peak_vram_bytes", r.peakVRAMBytes), ("peak_ram_bytes", r.peakRAMBytes)] {
            if let value, value > UInt64(Int64.max) {
                throw BenchmarkStoreError.invalidValue(field: field, reason: "\(value) is beyond a 64-bit signed integer")
            }
        }
    }

    static func checkText(_ field: String, _ value: String, limit: Int) throws {
        let size = value.utf8.count
        guard size <= limit else { throw BenchmarkStoreError.fieldTooLarge(field: field, size: size, limit: limit) }
        // PostgreSQL cannot store U+0000 in text; refuse it on both stores so they agree.
        if value.utf8.contains(0) {
            throw BenchmarkStoreError.invalidValue(field: field, reason: "contains a NUL character")
        }
    }

    static func checkFeedback(_ f: Feedback) throws {
        try checkText("page", f.page, limit: StoreLimits.longTextBytes)
        try checkText("message", f.message, limit: StoreLimits.feedbackMessageBytes)
        if let c = f.contact { try checkText("contact", c, limit: StoreLimits.shortTextBytes) }
    }

    static func checkModeration(by: String, note: String?) throws {
        try checkText("moderator", by, limit: StoreLimits.shortTextBytes)
        if let note { try checkText("note", note, limit: StoreLimits.moderationNoteBytes) }
    }
}

extension BenchmarkQuery {
    /// The limit and offset actually applied: limit 0...1000, offset ≥ 0.
    var clampedLimit: Int { min(max(limit, 0), 1000) }
    var clampedOffset: Int { max(offset, 0) }
    /// Statuses in a stable order; empty means any status.
    var sortedStatuses: [String] { statuses.map(\.rawValue).sorted() }
}

