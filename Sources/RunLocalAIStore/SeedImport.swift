import Foundation
import RunLocalAICore

/// A row or record an import could not use, and why. Imports never drop anything silently: every row is either
/// a run or one of these.
///
/// ```swift
/// RowProblem(file: "xiongjiedai_llama3.csv", line: 14, reason: "hardware: unknown hardware 'M9 Ultra'")
/// ```
public struct RowProblem: Sendable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    /// The line (calibration CSV) or the 1-based record number (exchange CSV / JSON).
    public var line: Int
    public var reason: String
    public init(file: String, line: Int, reason: String) { self.file = file; self.line = line; self.reason = reason }
    public var description: String { "\(file):\(line): \(reason)" }
}

/// Turns the published calibration tables (`source,hardware,backend,model,params_b,quant,test,tokens_per_s,notes`)
/// into approved ``BenchmarkRun``s for the store: `submitter` "imported", `source` the citation, model and
/// hardware the catalog ids the names resolve to.
///
/// A decode row (`tgN`) is a run with `generated_tokens` N. A prefill row (`ppN`) carries no decode speed, so it
/// joins the decode row of the same (source, hardware, backend, model, quant, depth, flash attention) as that
/// run's `prefill_tps` and `prompt_tokens` (`context` stays the decode test's: depth + generated tokens, as
/// llama-bench runs them separately); a prefill row with no such partner is skipped and reported, as is every row
/// the catalog cannot resolve.
///
/// ```swift
/// let seed = try SeedImport.runs(files: csvURLs, catalog: catalog)
/// let added = try await store.importRuns(seed.runs)
/// print(seed.summary(added: added))
/// ```
public enum SeedImport {
    public static let submitter = "imported"
    public static let runtime = "llama.cpp"

    /// What a seed import made of the rows.
    public struct Report: Sendable {
        public var rows: Int
        public var runs: [BenchmarkRun]
        /// Decode rows that gained the prefill speed of their partner.
        public var mergedPrefill: Int
        /// Prefill rows with no decode row to join.
        public var unpairedPrefill: [RowProblem]
        /// Rows the catalog (or the format) does not resolve.
        public var unresolved: [RowProblem]

        /// One line for a command's output.
        public func summary(added: Int? = nil) -> String {
            var s = "\(rows) rows → \(runs.count) runs (\(mergedPrefill) with prefill merged)"
            if let added { s += ", \(added) added, \(runs.count - added) already present" }
            s += "; skipped: \(unpairedPrefill.count) prefill rows without a decode row, \(unresolved.count) unresolved rows"
            return s
        }
    }

    /// Reads the rows of calibration CSV files.
    public static func rows(files: [URL]) throws -> [BenchmarkRow] { try Calibration.rows(files: files) }

    /// Reads the CSV files and makes their runs.
    public static func runs(files: [URL], catalog: Catalog) throws -> Report {
        runs(from: try rows(files: files), catalog: catalog)
    }

    public static func runs(from rows: [BenchmarkRow], catalog: Catalog) -> Report {
        let (cases, unresolvedRows) = Calibration.cases(rows, catalog: catalog)
        var unresolved = unresolvedRows.map { RowProblem(file: $0.file, line: $0.line, reason: $0.reason) }

        struct Key: Hashable {
            var source, device: String
            var count: Int
            var backend, model, quant: String
            var depth: Int
            var flashAttention: Bool?
        }
        func flash(_ notes: String) -> Bool? {
            let n = notes.lowercased()
            return n.contains("fa=1") ? true : n.contains("fa=0") ? false : nil
        }
        // Decode rows become runs, in file order; prefill rows wait for a partner.
        var runs: [BenchmarkRun] = []
        var decodeIndex: [Key: [Int]] = [:]       // runs still without prefill, by key
        var prefills: [(Key, Calibration.Case)] = []
        for c in cases {
            guard let selection = c.system.selection else {
                unresolved.append(RowProblem(file: c.row.file, line: c.row.line, reason: "hardware did not resolve to a catalog device"))
                continue
            }
            let key = Key(source: c.row.source, device: selection.device.id, count: selection.count,
                          backend: c.row.backend.trimmingCharacters(in: .whitespaces), model: c.profile.id, quant: c.profile.quant,
                          depth: c.test.depth, flashAttention: flash(c.row.notes))
            switch c.test.kind {
            case .decode:
                let run = BenchmarkRun(
                    model: c.profile.id, quant: c.profile.quant, hardware: [selection.device.id], hardwareCount: selection.count,
                    runtime: runtime, backend: key.backend.isEmpty ? nil : key.backend, context: c.test.depth + c.test.tokens,
                    flashAttention: key.flashAttention, generatedTokens: c.test.tokens, decodeTPS: c.row.tokensPerSecond,
                    measuredAt: BenchmarkRun.statedDate(in: c.row.source + " " + c.row.notes),
                    submitter: submitter, source: c.row.source, status: .approved)
                decodeIndex[key, default: []].append(runs.count)
                runs.append(run)
            case .prefill:
                prefills.append((key, c))
            }
        }
        var merged = 0
        var unpaired: [RowProblem] = []
        for (key, c) in prefills {
            guard var waiting = decodeIndex[key], !waiting.isEmpty else {
                unpaired.append(RowProblem(file: c.row.file, line: c.row.line,
                                           reason: "prefill row \(c.row.test) has no decode row for the same source, hardware, backend, model, quant and depth"))
                continue
            }
            let i = waiting.removeFirst()
            decodeIndex[key] = waiting
            runs[i].prefillTPS = c.row.tokensPerSecond
            runs[i].promptTokens = c.test.tokens
            merged += 1
        }
        return Report(rows: rows.count, runs: runs, mergedPrefill: merged, unpairedPrefill: unpaired,
                      unresolved: unresolved.sorted { ($0.file, $0.line) < ($1.file, $1.line) })
    }
}

/// Export and import of published runs: JSON (an array of ``BenchmarkRun`` as `JSONEncoder` writes it, ISO 8601
/// dates) and CSV (one column per JSON key, `hardware` ids joined with `;`, empty for absent).
///
/// Import checks every record (format, status, ``SubmissionValidator``) and returns the good runs with one
/// ``RowProblem`` per refused record. Text is exported verbatim: whoever opens the CSV in a spreadsheet or shows it
/// on a page escapes it.
///
/// ```swift
/// let data = try RunExchange.json(try await store.runs(BenchmarkQuery(limit: 1000)))
/// let parsed = RunExchange.runs(json: data, catalog: catalog)
/// let added = try await other.importRuns(parsed.runs)       // parsed.problems lists what was refused
/// ```
public enum RunExchange {
    /// The statuses an exchange file may carry.
    public static let publishedStatuses: Set<BenchmarkRun.Status> = [.approved, .reproduced, .independentlyReproduced]

    /// CSV columns: exactly the JSON keys of ``BenchmarkRun``, in a stable order.
    public static let columns = [
        "id", "model", "quant", "hardware", "hardware_count", "runtime", "runtime_version", "backend", "context",
        "flash_attention", "kv_type", "gpu_layers", "prompt_tokens", "generated_tokens", "prefill_tps", "decode_tps",
        "ttft_ms", "peak_vram_bytes", "peak_ram_bytes", "power_watts", "os", "measured_at", "submitter", "command",
        "log_excerpt", "log_url", "log_sha256", "source", "status", "submitted_at",
    ]

    /// Runs and the records refused.
    public struct Parsed: Sendable {
        public var runs: [BenchmarkRun]
        public var problems: [RowProblem]
    }

    // MARK: JSON

    public static func json(_ runs: [BenchmarkRun]) throws -> Data {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try e.encode(runs)
    }

    public static func runs(json data: Data, catalog: Catalog, file: String = "import.json", now: Date = Date()) -> Parsed {
        struct Lossy: Decodable {
            var result: Result<BenchmarkRun, Error>
            init(from decoder: Decoder) throws { result = Result { try BenchmarkRun(from: decoder) } }
        }
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        let records: [Lossy]
        do { records = try d.decode([Lossy].self, from: data) } catch {
            return Parsed(runs: [], problems: [RowProblem(file: file, line: 0, reason: "not a JSON array of benchmark runs: \(describe(error))")])
        }
        var out = Parsed(runs: [], problems: [])
        for (i, record) in records.enumerated() {
            switch record.result {
            case .failure(let error): out.problems.append(RowProblem(file: file, line: i + 1, reason: describe(error)))
            case .success(let run): accept(run, record: i + 1, file: file, catalog: catalog, now: now, into: &out)
            }
        }
        return out
    }

    // MARK: CSV

    public static func csv(_ runs: [BenchmarkRun]) -> String {
        var lines = [columns.joined(separator: ",")]
        for r in runs { lines.append(columns.map { quote(neutralizeFormula(value(r, $0))) }.joined(separator: ",")) }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func runs(csv text: String, catalog: Catalog, file: String = "import.csv", now: Date = Date()) -> Parsed {
        let rows = CSV.parse(text)
        guard let header = rows.first else {
            return Parsed(runs: [], problems: [RowProblem(file: file, line: 0, reason: "empty file: expected a header row")])
        }
        let missing = columns.filter { !header.contains($0) }
        let extra = header.filter { !columns.contains($0) }
        guard missing.isEmpty, extra.isEmpty else {
            return Parsed(runs: [], problems: [RowProblem(file: file, line: 1, reason:
                "header does not match: " + (missing.isEmpty ? "" : "missing \(missing.joined(separator: ", ")) ")
                    + (extra.isEmpty ? "" : "unknown \(extra.joined(separator: ", "))"))])
        }
        var out = Parsed(runs: [], problems: [])
        for (i, row) in rows.dropFirst().enumerated() where !(row.count == 1 && row[0].isEmpty) {
            let record = i + 1
            guard row.count == header.count else {
                out.problems.append(RowProblem(file: file, line: record, reason: "\(row.count) fields; the header has \(header.count)"))
                continue
            }
            var fields: [String: String] = [:]
            for (k, v) in zip(header, row) { fields[k] = restoreFormula(v) }
            do {
                accept(try run(fields), record: record, file: file, catalog: catalog, now: now, into: &out)
            } catch {
                out.problems.append(RowProblem(file: file, line: record, reason: describe(error)))
            }
        }
        return out
    }

    // MARK: Helpers

    static func accept(_ run: BenchmarkRun, record: Int, file: String, catalog: Catalog, now: Date, into out: inout Parsed) {
        var reasons: [String] = []
        if !publishedStatuses.contains(run.status) {
            reasons.append("status '\(run.status.rawValue)' is not published (approved, reproduced or independently-reproduced)")
        }
        reasons += SubmissionValidator.problems(in: run, catalog: catalog, now: now).map(\.description)
        if reasons.isEmpty { out.runs.append(run) } else {
            out.problems.append(RowProblem(file: file, line: record, reason: reasons.joined(separator: "; ")))
        }
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing \(key.stringValue)"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c), DecodingError.dataCorrupted(let c):
            let path = c.codingPath.map { $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? c.debugDescription : "\(path): \(c.debugDescription)"
        default: return "\(error)"
        }
    }

    /// ISO 8601 to the second, as `JSONEncoder`'s `.iso8601` writes (a new formatter per use: it is not Sendable).
    enum iso {
        static func string(from date: Date) -> String { ISO8601DateFormatter().string(from: date) }
        static func date(from text: String) -> Date? { ISO8601DateFormatter().date(from: text) }
    }

    static func value(_ r: BenchmarkRun, _ column: String) -> String {
        func n<T>(_ v: T?) -> String { v.map { "\($0)" } ?? "" }
        switch column {
        case "id": return r.id ?? ""
        case "model": return r.model
        case "quant": return r.quant
        case "hardware": return r.hardware.joined(separator: ";")
        case "hardware_count": return "\(r.hardwareCount)"
        case "runtime": return r.runtime
        case "runtime_version": return r.runtimeVersion ?? ""
        case "backend": return r.backend ?? ""
        case "context": return n(r.context)
        case "flash_attention": return n(r.flashAttention)
        case "kv_type": return r.kvType ?? ""
        case "gpu_layers": return n(r.gpuLayers)
        case "prompt_tokens": return n(r.promptTokens)
        case "generated_tokens": return n(r.generatedTokens)
        case "prefill_tps": return n(r.prefillTPS)
        case "decode_tps": return "\(r.decodeTPS)"
        case "ttft_ms": return n(r.ttftMS)
        case "peak_vram_bytes": return n(r.peakVRAMBytes)
        case "peak_ram_bytes": return n(r.peakRAMBytes)
        case "power_watts": return n(r.powerWatts)
        case "os": return r.os ?? ""
        case "measured_at": return r.measuredAt.map(iso.string(from:)) ?? ""
        case "submitter": return r.submitter ?? ""
        case "command": return r.command ?? ""
        case "log_excerpt": return r.logExcerpt ?? ""
        case "log_url": return r.logURL ?? ""
        case "log_sha256": return r.logSHA256 ?? ""
        case "source": return r.source ?? ""
        case "status": return r.status.rawValue
        case "submitted_at": return r.submittedAt.map(iso.string(from:)) ?? ""
        default: return ""
        }
    }

    struct FieldError: Error, CustomStringConvertible {
        var description: String
    }

    static func run(_ f: [String: String]) throws -> BenchmarkRun {
        func text(_ k: String) -> String? { f[k].flatMap { $0.isEmpty ? nil : $0 } }
        func required(_ k: String) throws -> String {
            guard let v = text(k) else { throw FieldError(description: "\(k) is empty") }
            return v
        }
        func parse<T>(_ k: String, _ make: (String) -> T?) throws -> T? {
            guard let s = text(k) else { return nil }
            guard let v = make(s) else { throw FieldError(description: "\(k) '\(s.prefix(40))' is not a valid value") }
            return v
        }
        func date(_ k: String) throws -> Date? { try parse(k) { iso.date(from: $0) } }
        guard let decode = try parse("decode_tps", { Double($0) }) else { throw FieldError(description: "decode_tps is empty") }
        guard let status = try parse("status", { BenchmarkRun.Status(rawValue: $0) }) else { throw FieldError(description: "status is empty") }
        return BenchmarkRun(
            id: text("id"), model: try required("model"), quant: try required("quant"),
            hardware: try required("hardware").split(separator: ";", omittingEmptySubsequences: false).map(String.init),
            hardwareCount: try parse("hardware_count") { Int($0) } ?? 1, runtime: try required("runtime"),
            runtimeVersion: text("runtime_version"), backend: text("backend"), context: try parse("context") { Int($0) },
            flashAttention: try parse("flash_attention") { $0 == "true" ? true : $0 == "false" ? false : nil },
            kvType: text("kv_type"), gpuLayers: try parse("gpu_layers") { Int($0) }, promptTokens: try parse("prompt_tokens") { Int($0) },
            generatedTokens: try parse("generated_tokens") { Int($0) }, prefillTPS: try parse("prefill_tps") { Double($0) },
            decodeTPS: decode, ttftMS: try parse("ttft_ms") { Double($0) }, peakVRAMBytes: try parse("peak_vram_bytes") { UInt64($0) },
            peakRAMBytes: try parse("peak_ram_bytes") { UInt64($0) }, powerWatts: try parse("power_watts") { Double($0) },
            os: text("os"), measuredAt: try date("measured_at"), submitter: text("submitter"), command: text("command"),
            logExcerpt: text("log_excerpt"), logURL: text("log_url"), logSHA256: text("log_sha256"), source: text("source"),
            status: status, submittedAt: try date("submitted_at"))
    }

    /// A text cell a spreadsheet would run as a formula is written with a leading apostrophe: one whose first
    /// character, after any spaces, tabs or line breaks, is `=`, `+`, `-`, `@` or their full-width forms (`＝＋－＠`),
    /// or a tab / CR; that includes number-like text such as `-nan`, `-inf` or `-0x1p3`. Plain decimal numbers
    /// (`-5`, `1.5e3`) are left alone. A cell that already starts with an apostrophe gets one more, so import, which
    /// removes exactly one from a cell that needed it, restores every cell exactly.
    static func neutralizeFormula(_ s: String) -> String {
        needsNeutralizing(s) ? "'" + s : s
    }

    static func restoreFormula(_ s: String) -> String {
        guard s.hasPrefix("'") else { return s }
        let rest = String(s.dropFirst())
        return needsNeutralizing(rest) ? rest : s
    }

    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}", "\t", "\r"]

    static func needsNeutralizing(_ s: String) -> Bool {
        if s.hasPrefix("'") { return true }
        if let first = s.first, first == "\t" || first == "\r" || first == "\r\n" { return true }
        guard let first = s.first(where: { $0 != " " && $0 != "\t" && $0 != "\n" && $0 != "\r" && $0 != "\r\n" && $0 != "\u{3000}" && $0 != "\u{A0}" }),
              formulaStarts.contains(first) else { return false }
        return !isPlainDecimal(s)
    }

    /// `-5`, `+1.25`, `3e-4`: digits with an optional sign, point and exponent, nothing else (no `nan`, `inf`, hex).
    static func isPlainDecimal(_ s: String) -> Bool {
        var u = Substring(s).utf8[...]
        func digits() -> Int { var n = 0; while let c = u.first, (48...57).contains(c) { u = u.dropFirst(); n += 1 }; return n }
        if let c = u.first, c == UInt8(ascii: "-") || c == UInt8(ascii: "+") { u = u.dropFirst() }
        var n = digits()
        if u.first == UInt8(ascii: ".") { u = u.dropFirst(); n += digits() }
        guard n > 0 else { return false }
        if let c = u.first, c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            u = u.dropFirst()
            if let c = u.first, c == UInt8(ascii: "-") || c == UInt8(ascii: "+") { u = u.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return u.isEmpty
    }

    static func quote(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || s.unicodeScalars.contains(where: { $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
