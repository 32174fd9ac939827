/// Ranked search over the catalog: every entry that matches a query, scored, rather than the one answer
/// ``NameResolver`` insists on.
///
/// Query and names are normalised as the resolver does (case, punctuation, vendor words, "32-core" → `32c`,
/// "24 GB" → a memory size), then each entry's best name is scored:
/// - 1.0 the same words; 0.9 every query word present, less 0.04 per extra word in the name and 0.08 per word
///   found only by forgiveness (a one-letter typo or a prefix of three letters or more, for words without
///   digits — "3060" is never a typo of "2060" — or words run together: "7900xtx" = "7900 xtx");
/// - some query words present: up to 0.5 in proportion;
/// - a memory size in the query ("3060 8GB") lifts entries sold with that size by 0.05 and drops the others
///   by 0.3, so memory variants rank apart.
/// Ties are broken by id. Pure: the same catalog and query always give the same list.
///
/// ```swift
/// let hits = CatalogSearch.search("radeon 7900xtx", in: catalog, kinds: [.hardware], limit: 3)
/// hits.first?.id       // "rx-7900-xtx"
/// hits.first?.score    // 0.82
/// ```
public enum CatalogSearch {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case model, hardware, runtime, diffusion
    }

    public struct Match: Sendable, Hashable, Codable {
        public var kind: Kind
        public var id: String
        public var name: String
        /// 0 to 1; 1 is an exact name.
        public var score: Double
        /// The catalog name or alias that matched best.
        public var matchedName: String
        /// The memory variant the query named, when the entry is sold with it.
        public var memoryGiB: Double?

        enum CodingKeys: String, CodingKey {
            case kind, id, name, score, matchedName = "matched_name", memoryGiB = "memory_gib"
        }
    }

    /// Entries matching `query`, best first, at most `limit`.
    public static func search(_ query: String, in catalog: Catalog, kinds: Set<Kind> = Set(Kind.allCases),
                              limit: Int = 10) -> [Match] {
        let q = NameResolver.normalize(query)
        guard !q.tokens.isEmpty, limit > 0 else { return [] }
        var out: [Match] = []
        let query = Query(tokens: q.tokens)
        func scan(_ kind: Kind, _ resolver: NameResolver, name: (Int) -> String) {
            guard kinds.contains(kind) else { return }
            var best: [Int: (Double, String)] = [:]
            for key in resolver.keys {
                guard var s = score(query, key) else { continue }
                let memory = resolver.entries[key.entry].memoryGiB
                if let m = q.memoryGiB, !memory.isEmpty {
                    s += memory.contains { abs($0 - m) < 0.6 } ? 0.05 : -0.3
                }
                s = min(1, max(0, s))
                if s > (best[key.entry]?.0 ?? -1) { best[key.entry] = (s, key.name) }
            }
            for (i, (s, matched)) in best where s > 0 {
                let e = resolver.entries[i]
                let variant = q.memoryGiB.flatMap { m in e.memoryGiB.first { abs($0 - m) < 0.6 } }
                out.append(Match(kind: kind, id: e.id, name: name(i), score: (s * 1000).rounded() / 1000,
                                 matchedName: matched, memoryGiB: variant))
            }
        }
        scan(.model, catalog.modelIndex) { catalog.models[$0].name }
        scan(.hardware, catalog.hardwareIndex) { catalog.hardware[$0].displayName }
        scan(.runtime, catalog.runtimeIndex) { catalog.runtimes[$0].name }
        scan(.diffusion, catalog.diffusionIndex) { catalog.diffusion[$0].name }
        out.sort { $0.score != $1.score ? $0.score > $1.score : ($0.kind.rawValue, $0.id) < ($1.kind.rawValue, $1.id) }
        return Array(out.prefix(limit))
    }

    /// The query words, with what the matcher needs to know about each worked out once.
    struct Query {
        var tokens: [String]
        var joined: String
        /// Words with digits get no typo or prefix forgiveness; words with a digit then a letter may be run together.
        var hasDigit: [Bool]
        var runTogether: [Bool]
        var count: Int { tokens.count }
        init(tokens: [String]) {
            self.tokens = tokens
            joined = tokens.joined(separator: " ")
            hasDigit = tokens.map { $0.contains(where: \.isNumber) }
            runTogether = tokens.map { t in
                zip(t, t.dropFirst()).contains { ($0.isNumber && $1.isLetter) || ($0.isLetter && $1.isNumber) }
            }
        }
    }

    /// The score of one catalog name for the query words (nil: nothing in common).
    static func score(_ query: Query, _ key: NameResolver.Key) -> Double? {
        var exact = 0, fuzzy = 0
        var used: [String] = []
        for (i, t) in query.tokens.enumerated() {
            if key.tokens.contains(t) { exact += 1; used.append(t); continue }
            if query.runTogether[i], let run = runTogether(t, key.ordered) { fuzzy += 1; used += run; continue }
            // Typos and prefixes only for words without digits: "3060" is not a typo of "2060" or "3070".
            guard !query.hasDigit[i] else { continue }
            if let hit = key.ordered.first(where: { NameResolver.isTypo(t, $0) || (t.count >= 3 && $0.hasPrefix(t)) }) {
                fuzzy += 1; used.append(hit)
            }
        }
        let matched = exact + fuzzy
        guard matched > 0 else { return nil }
        let extras = max(0, key.tokens.count - Set(used).count)
        if fuzzy == 0 && matched == query.count && query.joined == key.joined { return 1 }
        if matched == query.count {
            return max(0.5, 0.9 - 0.04 * Double(extras) - 0.08 * Double(fuzzy))
        }
        return max(0.05, 0.5 * Double(matched) / Double(query.count) - 0.02 * Double(extras) - 0.04 * Double(fuzzy))
    }

    /// The consecutive name words a run-together query word spells ("7900xtx" → ["7900", "xtx"]), if any.
    static func runTogether(_ word: String, _ words: [String]) -> [String]? {
        guard word.count >= 3, words.count >= 2 else { return nil }
        for start in words.indices {
            var joined = ""
            for end in start..<min(words.count, start + 3) {
                joined += words[end]
                if end > start && joined == word { return Array(words[start...end]) }
                if joined.count >= word.count { break }
            }
        }
        return nil
    }
}
