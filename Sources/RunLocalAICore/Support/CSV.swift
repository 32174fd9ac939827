/// A small RFC 4180 CSV reader: quoted fields, doubled quotes, commas and newlines inside quotes.
///
/// ```swift
/// let rows = CSV.parse("a,b\n\"x, y\",2\n")   // [["a","b"], ["x, y","2"]]
/// ```
public enum CSV {
    public static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let p = pending { pending = nil; return p }
            return iterator.next()
        }
        while let c = next() {
            if quoted {
                if c == "\"" {
                    if let n = next() {
                        if n == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = n }
                    } else { quoted = false }
                } else { field.unicodeScalars.append(c) }
            } else {
                switch c {
                case "\"": quoted = true
                case ",": row.append(field); field = ""
                case "\r": continue
                case "\n": row.append(field); field = ""; rows.append(row); row = []
                default: field.unicodeScalars.append(c)
                }
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }

    /// Rows as dictionaries keyed by the header row.
    public static func records(_ text: String) -> [[String: String]] {
        let rows = parse(text)
        guard let header = rows.first else { return [] }
        return rows.dropFirst().filter { !($0.count == 1 && $0[0].isEmpty) }.map { r in
            var d: [String: String] = [:]
            for (i, k) in header.enumerated() { d[k] = i < r.count ? r[i] : "" }
            return d
        }
    }
}
