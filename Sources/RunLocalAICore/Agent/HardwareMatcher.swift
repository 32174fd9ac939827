import Foundation

/// Matches a device name a tool printed (and the memory it reported) to one catalog hardware id,
/// through the catalog's forgiving ``NameResolver``. It never guesses: when no entry fits, or several
/// fit equally well, the result has no id and says why.
///
/// ```swift
/// HardwareMatcher.match(name: "NVIDIA GeForce RTX 3060", memoryBytes: 12_884_901_888, catalog: catalog).id
/// // "rtx-3060-12gb" (the 8 GB card has the same name; the memory tells them apart)
/// ```
public enum HardwareMatcher {
    public struct Match: Sendable, Hashable {
        public var id: String?
        /// The memory variant (GiB) of a multi-size device.
        public var memoryGiB: Double?
        public var reason: String?
    }

    /// - Parameters:
    ///   - candidates: product names to try when `name` is a family ("Radeon RX 7900 XT", "Radeon RX 7900 XTX").
    ///   - kinds: catalog kinds the device may be (GPUs never match a CPU entry).
    ///   - memoryIsNominal: the memory is a marketing size (unified memory), not a driver's count.
    public static func match(name: String, candidates: [String] = [], memoryBytes: UInt64?, catalog: Catalog,
                             kinds: Set<HardwareDevice.Kind> = [.gpu, .soc, .apple], gpuCores: Int? = nil) -> Match {
        let queries = (candidates.isEmpty ? [name] : candidates).map(clean)
        var ids: [String] = []
        var problems: [String] = []
        for q in queries {
            var query = q
            if let cores = gpuCores { query += " \(cores)c" }
            switch lookup(query, catalog: catalog) {
            case .success(let found): ids += found
            case .failure(let message): problems.append(message)
            }
        }
        var seen = Set<String>()
        let devices = ids.filter { seen.insert($0).inserted }.compactMap { catalog.device(id: $0) }.filter { kinds.contains($0.kind) }
        guard !devices.isEmpty else {
            return Match(id: nil, memoryGiB: nil, reason: "'\(name)' is not in the catalog" + (problems.first.map { " (\($0))" } ?? ""))
        }
        let gib = memoryBytes.map { Double($0) / 1_073_741_824 }
        // Memory: a driver reports a little less than the nominal size (reserved, ECC); never much more.
        func variant(_ d: HardwareDevice) -> Double? {
            let choices = d.memoryChoicesGiB
            guard let gib, !choices.isEmpty else { return choices.count == 1 ? choices[0] : nil }
            let fitting = choices.filter { gib <= $0 * 1.04 + 0.25 && gib >= $0 * 0.85 - 0.5 }
            return fitting.min { abs($0 - gib) < abs($1 - gib) }
        }
        var fits = devices
        if gib != nil {
            fits = devices.filter { $0.memoryChoicesGiB.isEmpty || variant($0) != nil }
            if fits.isEmpty {
                let list = devices.map { d in "\(d.id) (\(d.memoryChoicesGiB.map { formatGiB($0) }.joined(separator: "/")) GB)" }
                return Match(id: nil, memoryGiB: nil,
                             reason: String(format: "'%@' with %.1f GiB matches no catalog entry's memory: %@", name, gib!, list.joined(separator: ", ")))
            }
            // Several left: keep those whose size is closest (12 GiB → the 12 GB card, not a 16 GB one within tolerance).
            if fits.count > 1 {
                func distance(_ d: HardwareDevice) -> Double { variant(d).map { abs($0 - gib!) } ?? 0 }
                let best = fits.map(distance).min()!
                fits = fits.filter { distance($0) - best < 0.75 }
            }
        }
        if fits.count > 1 {
            return Match(id: nil, memoryGiB: nil,
                         reason: "'\(name)' is ambiguous: it could be \(fits.map(\.id).joined(separator: ", "))" +
                            (kinds.contains(.cpu) ? "" : gib == nil ? "; the memory size was not reported" : " (same memory size)"))
        }
        let d = fits[0]
        let v = variant(d)
        if d.memoryChoicesGiB.count > 1 && v == nil {
            return Match(id: nil, memoryGiB: nil, reason: "\(d.id) comes with \(d.memoryChoicesGiB.map { formatGiB($0) }.joined(separator: ", ")) GB; the memory size was not reported")
        }
        return Match(id: d.id, memoryGiB: v, reason: nil)
    }

    enum LookupResult { case success([String]), failure(String) }

    /// Resolves one cleaned name to entry ids: one, several (ambiguous), or none. When no entry holds
    /// every word, words that appear in no catalog name ("HBM3", "Processor") are dropped and it is
    /// tried again.
    static func lookup(_ query: String, catalog: Catalog) -> LookupResult {
        /// (ids, typo-corrected) or nil.
        func attempt(_ q: String) -> ([String], Bool)? {
            do {
                let m = try catalog.hardwareIndex.resolve(q, kind: "hardware")
                return ([m.id], m.corrected)
            } catch CatalogError.ambiguous(_, _, let candidates) { return (candidates, false) }
            catch { return nil }
        }
        let first = attempt(query)
        if let (ids, corrected) = first, !corrected { return .success(ids) }
        // Nothing, or only a typo correction (possibly a different product): try again without the words no
        // catalog name has and without memory-technology words.
        // Memory technology words ("HBM3", "GDDR6X") describe, they do not name a product.
        let described = query.replacingOccurrences(of: #"\b(HBM|GDDR|LPDDR|DDR)\d*[A-Za-z]?\b"#, with: " ",
                                                   options: [.regularExpression, .caseInsensitive])
        let known = catalog.hardwareIndex.keys.reduce(into: Set<String>()) { $0.formUnion($1.tokens) }
        let n = NameResolver.normalize(described)
        let kept = n.tokens.filter { known.contains($0) }
        if !kept.isEmpty, described != query || kept.count < n.tokens.count, kept.contains(where: { $0.contains(where: \.isNumber) }) {
            let retry = kept.joined(separator: " ") + (n.memoryGiB.map { " \(HardwareMatcher.formatGiB($0))GB" } ?? "")
            if let (ids, corrected) = attempt(retry), !corrected { return .success(ids) }
        }
        if let (ids, _) = first { return .success(ids) }
        return .failure("no entry named like '\(query)'")
    }

    /// Strips what vendors add around a product name: "(R)", "(TM)", "Corporation", "12th Gen",
    /// "16-Core Processor", "@ 3.60GHz", "w/ Radeon 8060S", "with Radeon Graphics".
    public static func clean(_ raw: String) -> String {
        var s = raw
        for pattern in [#"\((R|TM|tm|r)\)"#, #"®|™"#, #"\bCorporation\b"#, #"\b\d+(th|st|nd|rd) Gen\b"#,
                        #"\b\d+-Core\b"#, #"\bProcessor\b"#, #"\bCPU\b"#, #"@\s*[\d.]+\s*GHz"#,
                        #"\s(w/|with)\s.*$"#, #"\bGraphics\b(?!\s*\d)"#] {
            s = s.replacingOccurrences(of: pattern, with: " ", options: [.regularExpression, .caseInsensitive])
        }
        return s.split(separator: " ").joined(separator: " ")
    }

    static func formatGiB(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }
}
