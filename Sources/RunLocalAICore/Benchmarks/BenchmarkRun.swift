import Foundation

/// One measured run of a model on hardware: what the local agent measures (`runlocalai bench`), what
/// `POST /api/v1/benchmarks` accepts, what the store keeps, and what the evidence of every speed is built from.
///
/// JSON keys are snake_case (the public API's shape).
///
/// ```swift
/// var run = BenchmarkRun(model: "llama-3.1-8b", quant: "Q4_K_M", hardware: ["rtx-3090"], runtime: "llama.cpp",
///                        decodeTPS: 112.4)
/// run.prefillTPS = 4120
/// ```
public struct BenchmarkRun: Sendable, Hashable, Codable {
    /// Where a run is in its life.
    public enum Status: String, Sendable, Codable, CaseIterable {
        case pending, approved, rejected, duplicate, reproduced
        case independentlyReproduced = "independently-reproduced"
    }

    /// Server-assigned id (nil before it is stored).
    public var id: String?
    /// Catalog model id, or `gguf:<sha256 of the header>` for a file not in the catalog.
    public var model: String
    public var quant: String
    /// Catalog hardware ids; one per device kind (`count` says how many of it).
    public var hardware: [String]
    public var hardwareCount: Int
    public var runtime: String
    public var runtimeVersion: String?
    public var backend: String?
    public var context: Int?
    public var flashAttention: Bool?
    public var kvType: String?
    public var gpuLayers: Int?
    public var promptTokens: Int?
    public var generatedTokens: Int?
    public var prefillTPS: Double?
    public var decodeTPS: Double
    /// Time to first token, milliseconds.
    public var ttftMS: Double?
    public var peakVRAMBytes: UInt64?
    public var peakRAMBytes: UInt64?
    public var powerWatts: Double?
    public var os: String?
    /// When it was measured (ISO 8601).
    public var measuredAt: Date?
    public var submitter: String?
    /// The exact command that produced it.
    public var command: String?
    public var logExcerpt: String?
    public var logURL: String?
    /// SHA-256 of the raw log (hex).
    public var logSHA256: String?
    /// Where a published (imported) run comes from.
    public var source: String?
    public var status: Status
    public var submittedAt: Date?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, model, quant, hardware, runtime, backend, context, os, submitter, command, source, status
        case hardwareCount = "hardware_count", runtimeVersion = "runtime_version", flashAttention = "flash_attention"
        case kvType = "kv_type", gpuLayers = "gpu_layers", promptTokens = "prompt_tokens", generatedTokens = "generated_tokens"
        case prefillTPS = "prefill_tps", decodeTPS = "decode_tps", ttftMS = "ttft_ms", peakVRAMBytes = "peak_vram_bytes"
        case peakRAMBytes = "peak_ram_bytes", powerWatts = "power_watts", measuredAt = "measured_at"
        case logExcerpt = "log_excerpt", logURL = "log_url", logSHA256 = "log_sha256", submittedAt = "submitted_at"
    }

    public init(id: String? = nil, model: String, quant: String, hardware: [String], hardwareCount: Int = 1, runtime: String,
                runtimeVersion: String? = nil, backend: String? = nil, context: Int? = nil, flashAttention: Bool? = nil,
                kvType: String? = nil, gpuLayers: Int? = nil, promptTokens: Int? = nil, generatedTokens: Int? = nil,
                prefillTPS: Double? = nil, decodeTPS: Double, ttftMS: Double? = nil, peakVRAMBytes: UInt64? = nil,
                peakRAMBytes: UInt64? = nil, powerWatts: Double? = nil, os: String? = nil, measuredAt: Date? = nil,
                submitter: String? = nil, command: String? = nil, logExcerpt: String? = nil, logURL: String? = nil,
                logSHA256: String? = nil, source: String? = nil, status: Status = .pending, submittedAt: Date? = nil) {
        self.id = id; self.model = model; self.quant = quant; self.hardware = hardware; self.hardwareCount = hardwareCount
        self.runtime = runtime; self.runtimeVersion = runtimeVersion; self.backend = backend; self.context = context
        self.flashAttention = flashAttention; self.kvType = kvType; self.gpuLayers = gpuLayers; self.promptTokens = promptTokens
        self.generatedTokens = generatedTokens; self.prefillTPS = prefillTPS; self.decodeTPS = decodeTPS; self.ttftMS = ttftMS
        self.peakVRAMBytes = peakVRAMBytes; self.peakRAMBytes = peakRAMBytes; self.powerWatts = powerWatts; self.os = os
        self.measuredAt = measuredAt; self.submitter = submitter; self.command = command; self.logExcerpt = logExcerpt
        self.logURL = logURL; self.logSHA256 = logSHA256; self.source = source; self.status = status; self.submittedAt = submittedAt
    }

    /// A run older than this is shown as stale.
    public static let staleAfterMonths = 18

    /// The day it was measured: `measuredAt`, else (for a run submitted here, not imported from a source) the day it
    /// was submitted. An imported run whose source states no date has none: its age is unknown, never the import day.
    public var measuredDay: Date? { measuredAt ?? (source == nil ? submittedAt : nil) }

    public func isStale(now: Date) -> Bool {
        guard let measured = measuredDay else { return false }
        return now.timeIntervalSince(measured) > Double(Self.staleAfterMonths) * 30.44 * 86_400
    }
}

extension BenchmarkRun {
    static let isoDay = try! NSRegularExpression(pattern: #"\b(20[12][0-9])-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])\b"#)
    static let monthYear = try! NSRegularExpression(
        pattern: #"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+(20[12][0-9])\b"#, options: [.caseInsensitive])
    static let isoMonth = try! NSRegularExpression(pattern: #"\b(20[12][0-9])-(0[1-9]|1[0-2])\b(?!-)"#)

    /// The date a published source states for its measurement ("comment 2024-01-10", "Jan 2024 build", "2025-08"),
    /// the first one found, at noon UTC (the first of the month when only a month is given); nil when none is stated.
    ///
    /// ```swift
    /// BenchmarkRun.statedDate(in: "PR 4766 (ggerganov comment 2024-01-10)")   // 2024-01-10
    /// ```
    public static func statedDate(in text: String) -> Date? {
        let range = NSRange(text.startIndex..., in: text)
        func int(_ m: NSTextCheckingResult, _ i: Int) -> Int? { Range(m.range(at: i), in: text).flatMap { Int(text[$0]) } }
        var parts: (Int, Int, Int)?
        if let m = isoDay.firstMatch(in: text, range: range), let y = int(m, 1), let mo = int(m, 2), let d = int(m, 3) {
            parts = (y, mo, d)
        } else if let m = monthYear.firstMatch(in: text, range: range), let r = Range(m.range(at: 1), in: text), let y = int(m, 2) {
            let names = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
            if let i = names.firstIndex(of: String(text[r].prefix(3)).lowercased()) { parts = (y, i + 1, 1) }
        } else if let m = isoMonth.firstMatch(in: text, range: range), let y = int(m, 1), let mo = int(m, 2) {
            parts = (y, mo, 1)
        }
        guard let (y, mo, d) = parts else { return nil }
        var c = DateComponents(); c.year = y; c.month = mo; c.day = d; c.hour = 12
        var cal = Calendar(identifier: .gregorian); cal.timeZone = TimeZone(identifier: "UTC")!
        return cal.date(from: c)
    }
}
