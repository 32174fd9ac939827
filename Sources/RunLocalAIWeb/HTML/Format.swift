import Foundation
import RunLocalAIApp

/// Display formatting only — every figure itself comes from the engine.
enum Format {
    static let gib = 1_073_741_824.0

    /// "4.62 GiB", "812 MiB".
    static func bytes<T: BinaryInteger>(_ b: T) -> String {
        let x = Double(b)
        if abs(x) < gib { return String(format: "%.0f MiB", x / 1_048_576) }
        return String(format: abs(x) < 100 * gib ? "%.2f GiB" : "%.1f GiB", x / gib)
    }

    /// "4.62" (GiB, no unit).
    static func gibNumber<T: BinaryInteger>(_ b: T, digits: Int = 1) -> String {
        String(format: "%.\(digits)f", Double(b) / gib)
    }

    static func gibValue(_ g: Double) -> String {
        g == g.rounded() ? String(format: "%.0f GB", g) : String(format: "%.1f GB", g)
    }

    /// Tokens per second: one decimal under 100, none above.
    static func tps(_ x: Double) -> String {
        x >= 100 ? String(format: "%.0f", x) : String(format: "%.1f", x)
    }

    static func range(_ r: (low: Double, expected: Double, high: Double)) -> String {
        "\(tps(r.low))–\(tps(r.high))"
    }

    /// "4K", "32K", "128K", "1M".
    static func context(_ c: Int) -> String {
        if c >= 1_048_576, c % 1_048_576 == 0 { return "\(c / 1_048_576)M" }
        if c >= 1024, c % 1024 == 0 { return "\(c / 1024)K" }
        return String(c)
    }

    static func params(_ b: Double) -> String {
        if b < 1 { return String(format: "%.0fM", b * 1000) }
        return b == b.rounded() ? String(format: "%.0fB", b) : String(format: "%.1fB", b)
    }

    static func money(_ usd: Double) -> String {
        let n = NumberFormatter()
        n.numberStyle = .decimal
        n.maximumFractionDigits = 0
        return "$" + (n.string(from: NSNumber(value: usd)) ?? String(format: "%.0f", usd))
    }

    static func number(_ x: Double, digits: Int = 0) -> String { String(format: "%.\(digits)f", x) }

    static let isoDay: DateFormatter = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = TimeZone(identifier: "UTC"); f.dateFormat = "yyyy-MM-dd"
        return f
    }()

    static func day(_ d: Date?) -> String { d.map { isoDay.string(from: $0) } ?? "—" }
}

/// Query string and form body parameters: `+` is a space, `%XX` decoded, keys may repeat (`gpu=a&gpu=b`).
struct Params: Sendable {
    private(set) var pairs: [(String, String)]

    init(pairs: [(String, String)]) { self.pairs = pairs }

    init(query: String?) {
        pairs = []
        guard let query, !query.isEmpty else { return }
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Params.decode(kv[0])
            let value = kv.count > 1 ? Params.decode(kv[1]) : ""
            pairs.append((key, value))
        }
    }

    static func decode(_ s: Substring) -> String { QueryString.decode(s) }

    /// The parameters that are question fields (`Question.Field`), except the model and hardware a page sets itself.
    var questionPairs: [(String, String)] {
        pairs.filter { p in Question.Field(name: p.0).map { $0 != .model && $0 != .hardware } ?? false }
    }

    /// The first non-empty value, trimmed.
    subscript(_ key: String) -> String? {
        for (k, v) in pairs where k == key {
            let t = v.trimmingCharacters(in: .whitespacesAndNewlines)
            if !t.isEmpty { return t }
        }
        return nil
    }

    func all(_ key: String) -> [String] {
        pairs.filter { $0.0 == key }.map { $0.1.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    /// The raw (untrimmed) first value.
    func raw(_ key: String) -> String? { pairs.first { $0.0 == key }?.1 }
}

/// Builds a site URL with its query, percent-encoding every value.
enum URLs {
    static let allowed: CharacterSet = {
        var c = CharacterSet.alphanumerics
        c.insert(charactersIn: "-._~")
        return c
    }()

    static func encode(_ s: String) -> String {
        (s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s)
    }

    /// `path?k=v&k=v` with empty/nil values left out.
    static func build(_ path: String, _ items: [(String, String?)]) -> String {
        let q = items.compactMap { k, v -> String? in
            guard let v, !v.isEmpty else { return nil }
            return "\(k)=\(encode(v))"
        }
        return q.isEmpty ? path : path + "?" + q.joined(separator: "&")
    }

    /// A path segment (ids are already URL-safe; this is belt and braces).
    static func segment(_ s: String) -> String { encode(s) }
}
