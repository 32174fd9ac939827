import Foundation

/// Matches a pasted log against the errors knowledge base and ranks the articles that explain it.
///
/// Ranking: a literal `error_text` line found in the log beats any pattern match; among patterns, a longer,
/// more specific one ("cudaMalloc failed") beats a broad one ("CPU/GPU"). Numbers are compared loosely
/// ("allocating 8192.00 MiB" matches "allocating 4096.00 MiB"), but such a loose match only counts as much as a
/// pattern of the same length. Only the first and last 1 MiB of a
/// long log are read.
///
/// ```swift
/// let hits = LogDiagnosis.diagnose(log, articles: library.errors)
/// hits.first?.article.slug   // "cuda-out-of-memory"
/// hits.first?.lines          // [.init(number: 812, text: "... cudaMalloc failed: out of memory")]
/// ```
public enum LogDiagnosis {
    /// How much of the head and of the tail of a log is read.
    public static let windowBytes = 1 << 20
    /// At most this many matched lines are returned per article.
    public static let maxLinesPerArticle = 5

    public struct MatchedLine: Sendable, Hashable, Codable {
        /// 1-based line number in the (bounded) log.
        public var number: Int
        public var text: String
        /// The error_text or pattern that matched.
        public var matched: String
        /// "error_text" or "pattern".
        public var kind: String
    }

    public struct Match: Sendable, Hashable {
        public var article: ErrorArticle
        public var score: Int
        public var lines: [MatchedLine]
    }

    /// The articles matching `log`, best first. Articles with no match are left out.
    public static func diagnose(_ log: String, articles: [ErrorArticle]) -> [Match] {
        let lines = boundedLines(log)
        let prepared = lines.map { (raw: $0, lower: $0.lowercased(), loose: loosen($0.lowercased())) }
        var out: [Match] = []
        for article in articles {
            var score = 0
            var matched: [MatchedLine] = []
            var distinct = Set<String>()
            func record(_ i: Int, _ needle: String, kind: String, weight: Int) {
                score = max(score, weight)
                distinct.insert(needle)
                if matched.count < maxLinesPerArticle, !matched.contains(where: { $0.number == i + 1 }) {
                    matched.append(MatchedLine(number: i + 1, text: String(lines[i].prefix(500)), matched: needle, kind: kind))
                }
            }
            for text in article.errorText {
                let exact = text.lowercased().trimmingCharacters(in: .whitespaces)
                let loose = loosen(exact)
                guard loose.count >= 6 else { continue }
                for (i, l) in prepared.enumerated() {
                    if l.lower.contains(exact) { record(i, text, kind: "error_text", weight: 10_000 + exact.count) }
                    else if l.loose.contains(loose), fractionsAgree(text: exact, line: l.lower) { record(i, text, kind: "error_text", weight: specificity(loose)) }
                }
            }
            for p in article.patterns {
                let needle = p.lowercased()
                guard !needle.isEmpty else { continue }
                for (i, l) in prepared.enumerated() where l.lower.contains(needle) {
                    record(i, p, kind: "pattern", weight: specificity(needle))
                }
            }
            guard score > 0 else { continue }
            // Several distinct clues in one log add a little, never enough to overtake a better kind of match.
            score += min(distinct.count - 1, 9) * 10
            out.append(Match(article: article, score: score, lines: matched.sorted { $0.number < $1.number }))
        }
        return out.sorted { $0.score != $1.score ? $0.score > $1.score : $0.article.slug < $1.article.slug }
    }

    /// A loose match must not turn a whole into a part: "offloaded 30/49 layers" (a partial offload) does not
    /// describe a line saying "offloaded 65/65 layers" (everything on the GPU), nor the other way round.
    static func fractionsAgree(text: String, line: String) -> Bool {
        func fractions(_ s: String) -> [(Int, Int)] {
            guard let re = try? NSRegularExpression(pattern: #"(\d+)/(\d+)"#) else { return [] }
            return re.matches(in: s, range: NSRange(s.startIndex..., in: s)).compactMap { m in
                guard let a = Range(m.range(at: 1), in: s).flatMap({ Int(s[$0]) }), let b = Range(m.range(at: 2), in: s).flatMap({ Int(s[$0]) }) else { return nil }
                return (a, b)
            }
        }
        let t = fractions(text), l = fractions(line)
        for (x, y) in zip(t, l) where (x.0 == x.1) != (y.0 == y.1) { return false }
        return true
    }

    /// What a log says about the model and the GPU it ran (catalog ids, when they resolve): the fixes are written
    /// for them instead of the articles' example names.
    public struct LogSubject: Sendable, Hashable {
        public var model: String?
        public var hardware: String?
        public init(model: String? = nil, hardware: String? = nil) { self.model = model; self.hardware = hardware }
    }

    /// Reads the model (`general.name`, or the `.gguf` file name) and the GPU (CUDA's `Device 0: …`, Vulkan's
    /// `ggml_vulkan: 0 = …`, Metal's device name) from a log, resolved against the catalog.
    public static func subject(of log: String, catalog: Catalog) -> LogSubject {
        let lines = boundedLines(log)
        func first(_ pattern: String) -> String? {
            guard let re = try? NSRegularExpression(pattern: pattern) else { return nil }
            for line in lines {
                let l = String(line.prefix(600))
                if let m = re.firstMatch(in: l, range: NSRange(l.startIndex..., in: l)), let r = Range(m.range(at: 1), in: l) {
                    let v = l[r].trimmingCharacters(in: .whitespaces)
                    if !v.isEmpty { return String(v.prefix(120)) }
                }
            }
            return nil
        }
        var model: String?
        for candidate in [first(#"general\.name\s+(?:str\s+)?=\s*(.+)$"#), first(#"([A-Za-z0-9._-]+)\.gguf"#)].compactMap({ $0 }) {
            // The file's quantisation suffix and a vendor prefix are not part of the catalog's names.
            let name = candidate.replacingOccurrences(of: #"(?i)[-_.](I?Q[0-9][A-Z0-9_]*|F16|BF16|F32|MXFP4)$"#, with: "", options: .regularExpression)
            let bare = name.replacingOccurrences(of: #"(?i)^(meta|mistralai|google|microsoft|deepseek-ai|nvidia|ibm)[-_ ]"#, with: "", options: .regularExpression)
            if let m = (try? catalog.model(named: name)) ?? (try? catalog.model(named: bare)) { model = m.id; break }
        }
        var hardware: String?
        for candidate in [first(#"Device \d+: ([^,]+),"#), first(#"ggml_vulkan: \d+ = ([^(|]+)"#), first(#"(?:found device|GPU name):\s*(.+)$"#)].compactMap({ $0 }) {
            if let h = try? catalog.hardware(named: candidate) { hardware = h.query; break }
        }
        return LogSubject(model: model, hardware: hardware)
    }

    /// The article's fix written for the log's own model and GPU (`--model` and `--hardware` arguments replaced).
    public static func fix(_ article: ErrorArticle, for subject: LogSubject) -> String {
        var fix = article.sections.first { $0.heading == "Fix" }?.markdown ?? ""
        func replace(_ flag: String, with value: String?) {
            guard let value, let re = try? NSRegularExpression(pattern: "\(flag) (\"[^\"]*\"|[^\\s`]+)") else { return }
            let quoted = value.contains(" ") ? "\"\(value)\"" : value
            fix = re.stringByReplacingMatches(in: fix, range: NSRange(fix.startIndex..., in: fix), withTemplate: NSRegularExpression.escapedTemplate(for: "\(flag) \(quoted)"))
        }
        replace("--model", with: subject.model)
        replace("--hardware", with: subject.hardware)
        return fix
    }

    /// How specific a pattern is: its letters, with a penalty for short or symbol-heavy ones like "CPU/GPU".
    static func specificity(_ p: String) -> Int {
        let letters = p.filter { $0.isLetter || $0.isNumber }.count
        let words = p.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "_" }).count
        var s = letters * 10 + words * 5
        if letters < 8 { s /= 4 }
        return min(s, 8_000)
    }

    /// Digits runs collapse to '#' and spaces to one, so numbers and alignment in logs do not matter.
    static func loosen(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        var lastDigit = false, lastSpace = false
        for ch in s {
            if ch.isNumber || (ch == "." && lastDigit) {
                if !lastDigit { out.append("#") }
                lastDigit = true; lastSpace = false
            } else if ch == " " || ch == "\t" {
                if !lastSpace { out.append(" ") }
                lastSpace = true; lastDigit = false
            } else {
                out.append(ch); lastDigit = false; lastSpace = false
            }
        }
        return out
    }

    /// The log's lines, reading at most the first and the last ``windowBytes``.
    public static func boundedLines(_ log: String) -> [String] {
        let utf8 = log.utf8
        let text: String
        if utf8.count > 2 * windowBytes {
            let head = String(decoding: utf8.prefix(windowBytes), as: UTF8.self)
            let tail = String(decoding: utf8.suffix(windowBytes), as: UTF8.self)
            text = head + "\n" + tail
        } else {
            text = log
        }
        return text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).map(String.init)
    }
}
