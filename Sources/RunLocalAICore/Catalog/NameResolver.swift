import Foundation

/// Forgiving name lookup shared by models, hardware and runtimes.
///
/// A query and every entry name are normalised the same way (case, punctuation, vendor words,
/// parenthesised remarks, "32-core GPU" → `32c`, "24 GB" → a memory size), then matched:
/// exact name, then the entry whose name holds all the query's words with the fewest extra words,
/// then one-letter typos in words of letters (never in a model number). Two equally good entries make the query
/// ambiguous: it is never guessed.
///
/// ```swift
/// let r = NameResolver(entries: [.init(id: "rtx-3090", names: ["GeForce RTX 3090"], memoryGiB: [24])])
/// try r.resolve("3090 24GB", kind: "hardware").id   // "rtx-3090"
/// ```
public struct NameResolver: Sendable {
    public struct Entry: Sendable {
        public var id: String
        public var names: [String]
        public var memoryGiB: [Double]
        public init(id: String, names: [String], memoryGiB: [Double]) {
            self.id = id; self.names = names; self.memoryGiB = memoryGiB
        }
    }
    public struct Match: Sendable, Equatable {
        public var id: String
        /// The memory variant the query named, if any.
        public var memoryGiB: Double?
        /// True when a typo was corrected to find the entry.
        public var corrected: Bool
    }

    struct Key: Sendable {
        var entry: Int
        var tokens: Set<String>
        var joined: String
        /// The name's words in order (for ``CatalogSearch``'s run-together matching: "7900xtx").
        var ordered: [String]
        /// The name as written in the catalog.
        var name: String
    }

    let entries: [Entry]
    let keys: [Key]
    let exact: [String: [Int]]

    public init(entries: [Entry]) {
        self.entries = entries
        var keys: [Key] = []
        var exact: [String: [Int]] = [:]
        for (i, e) in entries.enumerated() {
            for name in e.names + [e.id] {
                let n = NameResolver.normalize(name)
                keys.append(Key(entry: i, tokens: Set(n.tokens), joined: n.tokens.joined(separator: " "), ordered: n.tokens, name: name))
                if !exact[n.tokens.joined(separator: " "), default: []].contains(i) {
                    exact[n.tokens.joined(separator: " "), default: []].append(i)
                }
            }
        }
        self.keys = keys
        self.exact = exact
    }

    /// The longest name resolved (characters). A longer query is refused before any matching, so the cost of a
    /// lookup does not grow with the length of what a client sends.
    public static let maxQueryLength = 200

    /// Resolves `query` or throws ``CatalogError`` naming the closest entries.
    public func resolve(_ query: String, kind: String) throws -> Match {
        guard query.utf8.count <= NameResolver.maxQueryLength * 4, query.count <= NameResolver.maxQueryLength else {
            throw CatalogError.invalid("\(kind) name is longer than \(NameResolver.maxQueryLength) characters ('\(query.prefix(40))…')")
        }
        let q = NameResolver.normalize(query)
        guard !q.tokens.isEmpty || q.memoryGiB != nil else {
            throw CatalogError.notFound(kind: kind, query: query, suggestions: [])
        }
        func memoryOK(_ i: Int) -> Bool {
            guard let m = q.memoryGiB else { return true }
            let choices = entries[i].memoryGiB
            return choices.isEmpty || choices.contains { abs($0 - m) < 0.6 }
        }
        func match(_ i: Int, corrected: Bool = false) -> Match {
            Match(id: entries[i].id, memoryGiB: q.memoryGiB.flatMap { m in entries[i].memoryGiB.first { abs($0 - m) < 0.6 } },
                  corrected: corrected)
        }
        // 1. Exact name.
        let joined = q.tokens.joined(separator: " ")
        if let hits = exact[joined] {
            let ok = hits.filter(memoryOK)
            if ok.count == 1 { return match(ok[0]) }
            if ok.count > 1 { throw ambiguous(ok, query: query, kind: kind) }
        }
        // 2. Every query word present, fewest extra words.
        if let found = try best(query: query, kind: kind, tokens: q.tokens, memoryOK: memoryOK, fuzzy: false) {
            return match(found)
        }
        // 3. Same, forgiving one typo per long word.
        if let found = try best(query: query, kind: kind, tokens: q.tokens, memoryOK: memoryOK, fuzzy: true) {
            return match(found, corrected: true)
        }
        throw CatalogError.notFound(kind: kind, query: query, suggestions: suggestions(for: q.tokens))
    }

    private func best(query: String, kind: String, tokens: [String], memoryOK: (Int) -> Bool, fuzzy: Bool) throws -> Int? {
        var extrasByEntry: [Int: Int] = [:]
        for key in keys where memoryOK(key.entry) {
            guard tokens.allSatisfy({ t in key.tokens.contains(t) || (fuzzy && key.tokens.contains { NameResolver.isTypo(t, $0) }) })
            else { continue }
            let extras = key.tokens.count - Set(tokens).intersection(key.tokens).count
            extrasByEntry[key.entry] = min(extrasByEntry[key.entry] ?? .max, extras)
        }
        guard let minimum = extrasByEntry.values.min() else { return nil }
        let winners = extrasByEntry.filter { $0.value == minimum }.map(\.key).sorted()
        if winners.count == 1 { return winners[0] }
        throw ambiguous(winners, query: query, kind: kind)
    }

    private func ambiguous(_ indices: [Int], query: String, kind: String) -> CatalogError {
        .ambiguous(kind: kind, query: query, candidates: indices.prefix(8).map { entries[$0].id })
    }

    /// The entries closest to the query words, for "did you mean".
    func suggestions(for tokens: [String], limit: Int = 3) -> [String] {
        let q = tokens.joined(separator: " ")
        var scored: [(Int, Int)] = []
        for key in keys {
            let shared = Set(tokens).intersection(key.tokens).count
            let distance = NameResolver.editDistance(q, key.joined) - shared * 3
            scored.append((distance, key.entry))
        }
        var seen = Set<Int>()
        var out: [String] = []
        for (_, e) in scored.sorted(by: { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }) where !seen.contains(e) {
            seen.insert(e)
            out.append(entries[e].id)
            if out.count == limit { break }
        }
        return out
    }

    // MARK: Normalisation

    static let noise: Set<String> = ["nvidia", "geforce", "amd", "radeon", "apple", "intel", "gpu", "graphics",
                                     "card", "the", "instruct", "chat", "hf", "gguf", "model", "it", "with", "and"]

    struct Normalized { var tokens: [String]; var memoryGiB: Double? }

    static func normalize(_ raw: String) -> Normalized {
        // Bounded: only the first characters of an over-long name are read (callers refuse such names anyway).
        var s = (raw.utf8.count > maxQueryLength * 4 ? String(raw.prefix(maxQueryLength)) : raw).lowercased()
        // Drop parenthesised and bracketed remarks: "LLaMA 7B (llama 7B arch)".
        while let open = s.firstIndex(where: { $0 == "(" || $0 == "[" }) {
            let close = s[open...].firstIndex(where: { $0 == ")" || $0 == "]" }) ?? s.index(before: s.endIndex)
            s.removeSubrange(open...close)
        }
        s = s.replacingOccurrences(of: "-core gpu", with: "c ").replacingOccurrences(of: " core gpu", with: "c ")
            .replacingOccurrences(of: "-core", with: "c ").replacingOccurrences(of: " cores", with: "c ")
            .replacingOccurrences(of: " core", with: "c ")
        // Split into words on anything but letters, digits and a dot between digits.
        var words: [String] = []
        var current = ""
        let chars = Array(s)
        for (i, ch) in chars.enumerated() {
            let isDot = ch == "." && i > 0 && i + 1 < chars.count && chars[i - 1].isNumber && chars[i + 1].isNumber
            if ch.isLetter || ch.isNumber || isDot {
                // Split "llama3" → "llama 3", "rtx3090" → "rtx 3090" (letter followed by digit), but keep "7b", "32c".
                if ch.isNumber, let last = current.last, last.isLetter, current.count > 1 || !"aimq".contains(last) {
                    words.append(current); current = ""
                }
                // And "3coder" → "3 coder", "7900xtx" → "7900 xtx" (a digit followed by a word of three or more
                // letters), but keep "7b", "a3b", "3090ti", "8gb".
                if ch.isLetter, let last = current.last, last.isNumber,
                   chars[i...].prefix(while: { $0.isLetter }).count >= 3 {
                    words.append(current); current = ""
                }
                current.append(ch)
            } else if !current.isEmpty {
                words.append(current); current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        var tokens: [String] = []
        var memory: Double?
        var i = 0
        while i < words.count {
            let w = words[i]
            if let m = memorySize(w) { memory = m; i += 1; continue }
            if (w == "gb" || w == "gib"), let last = tokens.last, let m = Double(last) {
                tokens.removeLast(); memory = m; i += 1; continue
            }
            if !noise.contains(w) { tokens.append(w) }
            i += 1
        }
        return Normalized(tokens: tokens, memoryGiB: memory)
    }

    static func memorySize(_ word: String) -> Double? {
        for suffix in ["gib", "gb"] where word.hasSuffix(suffix) {
            if let v = Double(word.dropLast(suffix.count)), v > 0 { return v }
        }
        return nil
    }

    /// One letter wrong in a word of letters ("lama" for "llama"). A word with a digit is a model number or a size,
    /// where one character names another product ("30900", "4090x", "3080" for "3090"): never corrected.
    static func isTypo(_ a: String, _ b: String) -> Bool {
        guard a.count >= 4, b.count >= 4, abs(a.count - b.count) <= 1,
              !a.contains(where: \.isNumber), !b.contains(where: \.isNumber) else { return false }
        return editDistance(a, b) <= 1
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        var cur = Array(repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}
