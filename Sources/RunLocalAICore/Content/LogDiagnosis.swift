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
                    else if l.loose.contains(loose) { record(i, text, kind: "error_text", weight: specificity(loose)) }
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
