import Foundation

/// A small, safe Markdown renderer for the written content (glossary, errors KB, methodology, guides).
///
/// Supported: ATX headings, paragraphs, `-`/`*` and numbered lists (items may hold indented code blocks and
/// paragraphs), fenced code, pipe tables, block quotes, inline code, `**bold**`, `*italic*`/`_italic_`,
/// `[links](url)` with http(s), mailto, relative and fragment targets. Everything else — raw HTML included — is
/// escaped text.
///
/// ```swift
/// let html = Markdown.render("## Fix\n1. Lower the context: `-c 8192`")
/// ```
public enum Markdown {
    /// Renders Markdown to HTML. `headingOffset` shifts heading levels (1 makes `#` an `<h2>`).
    public static func render(_ text: String, headingOffset: Int = 0) -> HTML {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return blocks(lines[...], headingOffset: headingOffset, tight: false)
    }

    // MARK: Blocks

    static func blocks(_ lines: ArraySlice<String>, headingOffset: Int, tight: Bool) -> HTML {
        var out = HTML()
        var i = lines.startIndex
        var paragraph: [String] = []
        var paragraphsSeen = 0
        func flush() {
            guard !paragraph.isEmpty else { return }
            let body = inline(paragraph.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " "))
            out.append(tight ? body : HTML.element("p", [], body))
            paragraph = []
            paragraphsSeen += 1
        }
        while i < lines.endIndex {
            let line = lines[i]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { flush(); i += 1; continue }
            // Fenced code.
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                flush()
                let fence = String(trimmed.prefix(3))
                let lang = String(trimmed.dropFirst(3)).trimmingCharacters(in: .whitespaces)
                let indent = line.prefix { $0 == " " }.count
                var code: [String] = []
                i += 1
                while i < lines.endIndex, !lines[i].trimmingCharacters(in: .whitespaces).hasPrefix(fence) {
                    code.append(String(dedent(lines[i], by: indent)))
                    i += 1
                }
                i += 1
                let cls = lang.isEmpty ? nil : Attr.class("language-" + lang.filter { $0.isLetter || $0.isNumber || $0 == "-" })
                out.append(HTML.element("pre", [], HTML.element("code", [cls], HTML(text: code.joined(separator: "\n")))))
                continue
            }
            // Heading.
            if let level = headingLevel(trimmed) {
                flush()
                let title = String(trimmed.dropFirst(level)).trimmingCharacters(in: .whitespaces)
                let n = min(6, level + headingOffset)
                out.append(HTML.element("h\(n)", [.id(slug(title))], inline(title)))
                i += 1
                continue
            }
            // Table: a pipe row followed by a separator row.
            if trimmed.hasPrefix("|"), i + 1 < lines.endIndex, isTableSeparator(lines[i + 1]) {
                flush()
                let header = cells(trimmed)
                let rightAligned = Set(cells(lines[i + 1]).enumerated().filter { $0.element.hasSuffix(":") }.map(\.offset))
                i += 2
                var rows: [[String]] = []
                while i < lines.endIndex, lines[i].trimmingCharacters(in: .whitespaces).hasPrefix("|") {
                    rows.append(cells(lines[i])); i += 1
                }
                var thead = HTML()
                for (k, h) in header.enumerated() { thead.append(.element("th", [rightAligned.contains(k) ? .class("num") : nil], inline(h))) }
                var tbody = HTML()
                for r in rows {
                    var tr = HTML()
                    for (k, c) in r.enumerated() {
                        let numeric = looksNumeric(c)
                        tr.append(.element("td", [numeric || rightAligned.contains(k) ? .class("num") : nil], inline(c)))
                    }
                    tbody.append(.element("tr", [], tr))
                }
                out.append(.element("div", [.class("table-wrap")],
                                    .element("table", [], .element("thead", [], .element("tr", [], thead)) + .element("tbody", [], tbody))))
                continue
            }
            // Block quote.
            if trimmed.hasPrefix(">") {
                flush()
                var quoted: [String] = []
                while i < lines.endIndex, lines[i].trimmingCharacters(in: .whitespaces).hasPrefix(">") {
                    let t = lines[i].trimmingCharacters(in: .whitespaces).dropFirst()
                    quoted.append(String(t.hasPrefix(" ") ? t.dropFirst() : t)); i += 1
                }
                out.append(.element("blockquote", [], blocks(quoted[...], headingOffset: headingOffset, tight: false)))
                continue
            }
            // Lists.
            if let marker = listMarker(line) {
                flush()
                let ordered = marker.ordered
                var items: [HTML] = []
                let baseIndent = marker.indent
                var start: Int? = nil
                while i < lines.endIndex, let m = listMarker(lines[i]), m.ordered == ordered, m.indent == baseIndent {
                    if start == nil, ordered { start = m.number }
                    var body: [String] = [String(lines[i].dropFirst(m.width))]
                    i += 1
                    // Continuation: indented lines, or blank lines followed by indented lines.
                    while i < lines.endIndex {
                        let l = lines[i]
                        let lt = l.trimmingCharacters(in: .whitespaces)
                        let indent = l.prefix { $0 == " " }.count
                        if lt.isEmpty {
                            var j = i + 1
                            while j < lines.endIndex, lines[j].trimmingCharacters(in: .whitespaces).isEmpty { j += 1 }
                            if j < lines.endIndex, lines[j].prefix(while: { $0 == " " }).count > baseIndent, listMarker(lines[j]).map({ $0.indent > baseIndent }) ?? true {
                                body.append(""); i += 1; continue
                            }
                            break
                        }
                        if indent > baseIndent { body.append(String(dedent(l, by: m.width))); i += 1; continue }
                        // Lazy continuation of the item's paragraph.
                        if listMarker(l) == nil, headingLevel(lt) == nil, !lt.hasPrefix("```"), !lt.hasPrefix("|"), body.last.map({ !$0.isEmpty }) ?? false {
                            body.append(lt); i += 1; continue
                        }
                        break
                    }
                    let isTight = !body.contains("")
                    items.append(.element("li", [], blocks(body[...], headingOffset: headingOffset, tight: isTight)))
                }
                let startAttr: Attr? = ordered && (start ?? 1) != 1 ? Attr("start", String(start!)) : nil
                out.append(.element(ordered ? "ol" : "ul", [startAttr], HTML.join(items)))
                continue
            }
            paragraph.append(line)
            i += 1
        }
        flush()
        return out
    }

    static func dedent(_ line: String, by n: Int) -> Substring {
        var k = 0
        var idx = line.startIndex
        while k < n, idx < line.endIndex, line[idx] == " " { idx = line.index(after: idx); k += 1 }
        return line[idx...]
    }

    static func headingLevel(_ t: String) -> Int? {
        let hashes = t.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes), t.count > hashes, t[t.index(t.startIndex, offsetBy: hashes)] == " " else { return nil }
        return hashes
    }

    struct ListMarker { var ordered: Bool; var indent: Int; var width: Int; var number: Int }

    static func listMarker(_ line: String) -> ListMarker? {
        let indent = line.prefix { $0 == " " }.count
        let rest = line.dropFirst(indent)
        if let c = rest.first, c == "-" || c == "*" || c == "+" {
            let after = rest.dropFirst()
            guard after.first == " " else { return nil }
            return ListMarker(ordered: false, indent: indent, width: indent + 2, number: 0)
        }
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 9 else { return nil }
        let after = rest.dropFirst(digits.count)
        guard let d = after.first, d == "." || d == ")", after.dropFirst().first == " " else { return nil }
        return ListMarker(ordered: true, indent: indent, width: indent + digits.count + 2, number: Int(digits) ?? 1)
    }

    static func isTableSeparator(_ line: String) -> Bool {
        let t = line.trimmingCharacters(in: .whitespaces)
        return t.hasPrefix("|") && t.contains("-") && t.allSatisfy { "|-: ".contains($0) }
    }

    static func cells(_ row: String) -> [String] {
        var t = row.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("|") { t.removeFirst() }
        if t.hasSuffix("|") { t.removeLast() }
        return t.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    }

    static func looksNumeric(_ s: String) -> Bool {
        let t = s.trimmingCharacters(in: .whitespaces)
        guard let f = t.first else { return false }
        return (f.isNumber || f == "~" || f == "-" || f == "±") && t.count < 24 && t.filter(\.isLetter).count <= 4
    }

    /// A URL-safe anchor from heading text ("Deeper dive" → "deeper-dive").
    public static func slug(_ s: String) -> String {
        var out = ""
        var dash = false
        for c in s.lowercased() {
            if c.isASCII && (c.isLetter || c.isNumber) { out.append(c); dash = false }
            else if !dash && !out.isEmpty { out.append("-"); dash = true }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out
    }

    // MARK: Inline

    /// Inline spans: code, links, bold, italic. Everything else is escaped text.
    public static func inline(_ s: String) -> HTML {
        var out = HTML()
        var text = ""
        func flushText() { if !text.isEmpty { out.append(HTML(text: text)); text = "" } }
        let chars = Array(s)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count, "\\`*_[]()#+-.!|{}".contains(chars[i + 1]) {
                text.append(chars[i + 1]); i += 2; continue
            }
            if c == "`" {
                let ticks = chars[i...].prefix { $0 == "`" }.count
                if let end = find(chars, String(repeating: "`", count: ticks), from: i + ticks) {
                    flushText()
                    let code = String(chars[(i + ticks)..<end]).trimmingCharacters(in: .whitespaces)
                    out.append(.element("code", [], HTML(text: code)))
                    i = end + ticks; continue
                }
            }
            if c == "[", let close = matchingBracket(chars, i), close + 1 < chars.count, chars[close + 1] == "(",
               let paren = chars[(close + 2)...].firstIndex(of: ")") {
                let label = String(chars[(i + 1)..<close])
                let url = String(chars[(close + 2)..<paren]).trimmingCharacters(in: .whitespaces)
                if isSafeURL(url) {
                    flushText()
                    let external = url.hasPrefix("http://") || url.hasPrefix("https://")
                    out.append(.element("a", [.href(url), external ? Attr("rel", "nofollow noopener") : nil], inline(label)))
                    i = paren + 1; continue
                }
            }
            if (c == "*" || c == "_"), i + 1 < chars.count, chars[i + 1] == c,
               let end = find(chars, String([c, c]), from: i + 2), end > i + 2 {
                flushText()
                out.append(.element("strong", [], inline(String(chars[(i + 2)..<end]))))
                i = end + 2; continue
            }
            if c == "*" || c == "_" {
                let prevIsWord = i > 0 && (chars[i - 1].isLetter || chars[i - 1].isNumber)
                if !(c == "_" && prevIsWord), i + 1 < chars.count, chars[i + 1] != " ",
                   let end = chars[(i + 1)...].firstIndex(of: c), end > i + 1, chars[end - 1] != " ",
                   !(c == "_" && end + 1 < chars.count && (chars[end + 1].isLetter || chars[end + 1].isNumber)) {
                    flushText()
                    out.append(.element("em", [], inline(String(chars[(i + 1)..<end]))))
                    i = end + 1; continue
                }
            }
            text.append(c)
            i += 1
        }
        flushText()
        return out
    }

    static func find(_ chars: [Character], _ needle: String, from: Int) -> Int? {
        let n = Array(needle)
        guard from <= chars.count - n.count else { return nil }
        var i = from
        while i <= chars.count - n.count {
            if Array(chars[i..<(i + n.count)]) == n { return i }
            i += 1
        }
        return nil
    }

    static func matchingBracket(_ chars: [Character], _ open: Int) -> Int? {
        var depth = 0
        for j in open..<chars.count {
            if chars[j] == "[" { depth += 1 }
            if chars[j] == "]" { depth -= 1; if depth == 0 { return j } }
        }
        return nil
    }

    /// Links may go to http(s), mailto, a site path or a fragment; `javascript:` and friends stay text.
    public static func isSafeURL(_ url: String) -> Bool {
        let l = url.lowercased()
        if l.hasPrefix("https://") || l.hasPrefix("http://") || l.hasPrefix("mailto:") || l.hasPrefix("#") { return true }
        if l.hasPrefix("/") && !l.hasPrefix("//") { return true }
        // Relative path without a scheme.
        return !l.isEmpty && !l.contains(":") && !l.hasPrefix("//")
    }
}
