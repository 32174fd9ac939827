import Foundation
import Yams

/// The written content the site serves: glossary terms and errors-KB articles, with every engine
/// placeholder already rendered through ``WillItRun``.
///
/// ```swift
/// let library = try ContentLoader.load(from: URL(fileURLWithPath: "content"), catalog: catalog)
/// library.glossary.first { $0.slug == "vision-language-model" }
/// ```
public struct ContentLibrary: Sendable, Hashable {
    public var glossary: [GlossaryTerm]
    public var errors: [ErrorArticle]
    /// Learning paths (`learn/`) and stacks (`stacks/`), when those folders exist.
    public var learn: [LearnPath] = []
    public var stacks: [StackRecipe] = []
    /// Dated methodology changes (`methodology-changes.yaml`).
    public var methodologyChanges: [MethodologyChange] = []
    /// Every placeholder found while loading, with the file it came from (for audits and tests).
    public var placeholders: [RenderedPlaceholder]
    public init(glossary: [GlossaryTerm] = [], errors: [ErrorArticle] = [], placeholders: [RenderedPlaceholder] = []) {
        self.glossary = glossary; self.errors = errors; self.placeholders = placeholders
    }
}

/// One engine placeholder and what it rendered to.
public struct RenderedPlaceholder: Sendable, Hashable {
    public var file: String
    public var source: String
    public var rendered: String
}

/// A content file that cannot be loaded: the file and the fix.
public struct ContentError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var message: String
    public init(file: String, _ message: String) { self.file = file; self.message = message }
    public var description: String { "\(file): \(message)" }
}

/// Reads `content/glossary/*.md` and `content/errors/*.md`: YAML front matter between `---` lines, then
/// Markdown split into `## Heading` sections. Validation names the file and the fix: required keys,
/// `slug` equal to the file name, `related` slugs that exist, and placeholders the engine can render.
///
/// Prose figures for a specific model and hardware are written as placeholders so no page disagrees
/// with will-it-run:
///
/// ```text
/// {{wir model=llava-1.6-mistral-7b quant=Q4_K_M hardware=rtx-3060-12gb ctx=4096 images=1 field=decode}}
/// ```
///
/// Fields: `decode`, `prefill` (a "low-high tok/s" range), `total`, `weights`, `kv`, `vision` (GiB),
/// `fit` (the verdict in words), `gpu_layers` ("33 of 33"). Optional keys: `kv_type`, `fa`, `runtime`, `ram`, `ngl`.
/// Values hold no spaces: write `+` for one (`hardware=2x+rtx-3090`).
/// An unknown placeholder, key or field, or a query the engine rejects, is a load-time error.
public enum ContentLoader {
    /// Loads and validates both folders, rendering placeholders with `catalog`.
    public static func load(from directory: URL, catalog: Catalog) throws -> ContentLibrary {
        var renderer = PlaceholderRenderer(catalog: catalog)
        var glossary: [GlossaryTerm] = []
        var errors: [ErrorArticle] = []
        for (name, text) in try files(directory.appendingPathComponent("glossary")) {
            var term = try parseGlossary(text, fileName: name)
            term.sections = try term.sections.map { .init(heading: $0.heading, markdown: try renderer.render($0.markdown, file: "glossary/\(name)")) }
            glossary.append(term)
        }
        for (name, text) in try files(directory.appendingPathComponent("errors")) {
            var article = try parseError(text, fileName: name)
            article.sections = try article.sections.map { .init(heading: $0.heading, markdown: try renderer.render($0.markdown, file: "errors/\(name)")) }
            errors.append(article)
        }
        let all = Set(glossary.map(\.slug)).union(errors.map(\.slug))
        for t in glossary {
            for r in t.related where !all.contains(r) {
                throw ContentError(file: "glossary/\(t.slug).md", "related slug '\(r)' names no glossary term or error article; fix the slug or add content/glossary/\(r).md")
            }
        }
        for a in errors {
            for r in a.related where !all.contains(r) {
                throw ContentError(file: "errors/\(a.slug).md", "related slug '\(r)' names no error article or glossary term; fix the slug or add content/errors/\(r).md")
            }
        }
        var library = ContentLibrary(glossary: glossary.sorted { $0.slug < $1.slug }, errors: errors.sorted { $0.slug < $1.slug },
                                     placeholders: renderer.rendered)
        library.methodologyChanges = try loadChanges(from: directory)
        (library.learn, library.stacks) = try loadPaths(from: directory, catalog: catalog, terms: Set(glossary.map(\.slug)))
        return library
    }

    /// Finds `content/` beside a catalog folder (`catalog/` and `content/` are siblings in the repository).
    public static func locate(besideCatalog catalog: URL) -> URL? {
        let url = catalog.deletingLastPathComponent().appendingPathComponent("content")
        return FileManager.default.fileExists(atPath: url.appendingPathComponent("glossary").path) ? url : nil
    }

    static func files(_ dir: URL) throws -> [(String, String)] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else {
            throw ContentError(file: dir.path, "folder is missing; the content folder needs glossary/ and errors/")
        }
        return try names.filter { $0.hasSuffix(".md") }.sorted().map { name in
            do { return (name, try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)) } catch {
                throw ContentError(file: name, "cannot be read as UTF-8: \(error.localizedDescription)")
            }
        }
    }

    // MARK: Parsing (no rendering)

    struct GlossaryFront: Decodable {
        var slug: String; var term: String; var alsoKnownAs: [String]?; var category: String
        var related: [String]?; var sources: [String]; var reviewed: String?
        enum CodingKeys: String, CodingKey, CaseIterable {
            case slug, term, category, related, sources, reviewed, alsoKnownAs = "also_known_as"
        }
        init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            slug = try c.decode(String.self, forKey: .slug); term = try c.decode(String.self, forKey: .term)
            alsoKnownAs = try c.decodeIfPresent([LooseString].self, forKey: .alsoKnownAs)?.map(\.value)
            category = try c.decode(String.self, forKey: .category)
            related = try c.decodeIfPresent([String].self, forKey: .related)
            sources = try c.decode([LooseString].self, forKey: .sources).map(\.value)
            reviewed = try c.decodeIfPresent(LooseString.self, forKey: .reviewed)?.value
        }
    }

    struct ErrorFront: Decodable {
        var slug: String; var title: String; var category: String; var errorText: [String]; var patterns: [String]?
        var related: [String]?; var verified: String?; var sources: [String]
        enum CodingKeys: String, CodingKey, CaseIterable {
            case slug, title, category, patterns, related, verified, sources, errorText = "error_text"
        }
        init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            slug = try c.decode(String.self, forKey: .slug); title = try c.decode(String.self, forKey: .title)
            category = try c.decode(String.self, forKey: .category)
            errorText = try c.decode([LooseString].self, forKey: .errorText).map(\.value)
            patterns = try c.decodeIfPresent([LooseString].self, forKey: .patterns)?.map(\.value)
            related = try c.decodeIfPresent([String].self, forKey: .related)
            verified = try c.decodeIfPresent(LooseString.self, forKey: .verified)?.value
            sources = try c.decode([LooseString].self, forKey: .sources).map(\.value)
        }
    }

    /// Parses one glossary file (placeholders left as written).
    public static func parseGlossary(_ text: String, fileName: String) throws -> GlossaryTerm {
        let (yaml, body) = try splitFrontMatter(text, file: fileName)
        let f: GlossaryFront = try decodeFront(yaml, file: fileName)
        try checkSlug(f.slug, fileName: fileName)
        let sections = try parseSections(body, file: fileName)
        guard sections.contains(where: { $0.heading == "Definition" }) else {
            throw ContentError(file: fileName, "has no '## Definition' section; every glossary term starts with one")
        }
        return GlossaryTerm(slug: f.slug, term: f.term, alsoKnownAs: f.alsoKnownAs ?? [], category: f.category,
                            related: f.related ?? [], sources: f.sources, reviewed: f.reviewed, sections: sections)
    }

    /// Parses one errors-KB file (placeholders left as written).
    public static func parseError(_ text: String, fileName: String) throws -> ErrorArticle {
        let (yaml, body) = try splitFrontMatter(text, file: fileName)
        let f: ErrorFront = try decodeFront(yaml, file: fileName)
        try checkSlug(f.slug, fileName: fileName)
        guard !f.errorText.isEmpty else {
            throw ContentError(file: fileName, "error_text is empty; list at least one literal line users see in their logs")
        }
        let sections = try parseSections(body, file: fileName)
        guard sections.contains(where: { $0.heading == "Fix" }) else {
            throw ContentError(file: fileName, "has no '## Fix' section; every error article gives a numbered fix")
        }
        return ErrorArticle(slug: f.slug, title: f.title, category: f.category, errorText: f.errorText, patterns: f.patterns ?? [],
                            related: f.related ?? [], verified: f.verified, sources: f.sources, sections: sections)
    }

    static func checkSlug(_ slug: String, fileName: String) throws {
        let stem = fileName.hasSuffix(".md") ? String(fileName.dropLast(3)) : fileName
        guard slug == stem else {
            throw ContentError(file: fileName, "slug '\(slug)' differs from the file name; rename the file to \(slug).md or set slug: \(stem)")
        }
    }

    static func splitFrontMatter(_ text: String, file: String) throws -> (String, String) {
        var lines = text.components(separatedBy: "\n")
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---" else {
            throw ContentError(file: file, "does not start with '---' front matter; put the YAML keys between two '---' lines")
        }
        lines.removeFirst()
        guard let end = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" }) else {
            throw ContentError(file: file, "front matter is not closed; add a '---' line after the YAML keys")
        }
        return (lines[..<end].joined(separator: "\n"), lines[(end + 1)...].joined(separator: "\n"))
    }

    static func decodeFront<T: Decodable>(_ yaml: String, file: String) throws -> T {
        do { return try YAMLDecoder().decode(T.self, from: yaml) } catch let e as DecodingError {
            if case .keyNotFound(let key, _) = e {
                throw ContentError(file: file, "front matter lacks the required key '\(key.stringValue)'; add it")
            }
            throw ContentError(file: file, "front matter: \(Catalog.describe(e))")
        } catch {
            throw ContentError(file: file, "front matter is not valid YAML: \(error)")
        }
    }

    static func parseSections(_ body: String, file: String) throws -> [GlossaryTerm.Section] {
        var sections: [GlossaryTerm.Section] = []
        var heading: String?
        var buffer: [String] = []
        var inFence = false
        func flush() {
            if let h = heading {
                sections.append(.init(heading: h, markdown: buffer.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)))
            }
            buffer = []
        }
        for line in body.components(separatedBy: "\n") {
            if line.hasPrefix("```") { inFence.toggle() }
            if !inFence, line.hasPrefix("## ") {
                flush()
                heading = String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces)
                continue
            }
            if heading == nil {
                if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                throw ContentError(file: file, "text before the first '## Heading'; start the body with a section heading")
            }
            buffer.append(line)
        }
        flush()
        guard !sections.isEmpty else { throw ContentError(file: file, "has no '## Heading' sections") }
        var seen = Set<String>()
        for s in sections where !seen.insert(s.heading).inserted {
            throw ContentError(file: file, "section '## \(s.heading)' appears twice; merge them")
        }
        return sections
    }
}

/// Renders `{{wir ...}}` placeholders through ``WillItRun/answer(_:catalog:)``; answers are cached per query.
public struct PlaceholderRenderer {
    public static let fields = ["decode", "prefill", "total", "weights", "kv", "vision", "fit", "gpu_layers"]
    static let keys = ["model", "quant", "hardware", "ctx", "images", "kv_type", "fa", "runtime", "ram", "ngl", "field"]

    let catalog: Catalog
    var answers: [WillItRunQuery: WillItRunAnswer] = [:]
    public private(set) var rendered: [RenderedPlaceholder] = []

    public init(catalog: Catalog) { self.catalog = catalog }

    /// Replaces every `{{...}}` in `markdown`; anything that is not a valid `wir` placeholder throws.
    public mutating func render(_ markdown: String, file: String) throws -> String {
        guard markdown.contains("{{") else { return markdown }
        var out = ""
        var rest = markdown[...]
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw ContentError(file: file, "placeholder '\(rest[open.lowerBound...].prefix(40))' is not closed with '}}'")
            }
            let inner = String(rest[open.upperBound..<close.lowerBound])
            let text = try renderOne(inner, file: file)
            rendered.append(RenderedPlaceholder(file: file, source: "{{\(inner)}}", rendered: text))
            out += text
            rest = rest[close.upperBound...]
        }
        out += rest
        return out
    }

    /// Parses the inside of one placeholder into a query and a field.
    public static func parse(_ inner: String, file: String) throws -> (WillItRunQuery, String) {
        var words = inner.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init)
        guard words.first == "wir" else {
            throw ContentError(file: file, "unknown placeholder '{{\(inner)}}'; the only kind is {{wir model=... quant=... hardware=... ctx=... field=...}}")
        }
        words.removeFirst()
        var kv: [String: String] = [:]
        for w in words {
            let parts = w.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, keys.contains(parts[0]) else {
                throw ContentError(file: file, "placeholder '{{\(inner)}}': '\(w)' is not one of \(keys.map { "\($0)=" }.joined(separator: ", "))")
            }
            guard kv[parts[0]] == nil else { throw ContentError(file: file, "placeholder '{{\(inner)}}' sets \(parts[0]) twice") }
            kv[parts[0]] = parts[1]
        }
        guard let model = kv["model"], let hardware = kv["hardware"], let field = kv["field"] else {
            throw ContentError(file: file, "placeholder '{{\(inner)}}' needs model=, hardware= and field=")
        }
        guard fields.contains(field) else {
            throw ContentError(file: file, "placeholder '{{\(inner)}}': unknown field '\(field)'; use one of \(fields.joined(separator: ", "))")
        }
        func int(_ k: String) throws -> Int? {
            guard let v = kv[k] else { return nil }
            guard let i = Int(v) else { throw ContentError(file: file, "placeholder '{{\(inner)}}': \(k)=\(v) is not a whole number") }
            return i
        }
        var q = WillItRunQuery(model: model,
                               quant: kv["quant"] ?? "Q4_K_M", hardware: hardware.replacingOccurrences(of: "+", with: " "),
                               context: try int("ctx") ?? 4096, images: try int("images") ?? 0)
        q.kvType = kv["kv_type"]
        if let fa = kv["fa"] {
            guard let b = ["on": true, "true": true, "1": true, "off": false, "false": false, "0": false][fa.lowercased()] else {
                throw ContentError(file: file, "placeholder '{{\(inner)}}': fa=\(fa) must be on or off")
            }
            q.flashAttention = b
        }
        q.runtime = kv["runtime"]
        q.gpuLayers = try int("ngl")
        if let r = kv["ram"] {
            guard let d = Double(r) else { throw ContentError(file: file, "placeholder '{{\(inner)}}': ram=\(r) is not a number of GiB") }
            q.hostRAMGiB = d
        }
        return (q, field)
    }

    mutating func renderOne(_ inner: String, file: String) throws -> String {
        let (q, field) = try Self.parse(inner, file: file)
        let answer: WillItRunAnswer
        if let cached = answers[q] { answer = cached } else {
            do { answer = try WillItRun.answer(q, catalog: catalog) } catch {
                throw ContentError(file: file, "placeholder '{{\(inner)}}': \(error)")
            }
            answers[q] = answer
        }
        return Self.format(answer, field: field)
    }

    /// The text a field renders to.
    public static func format(_ a: WillItRunAnswer, field: String) -> String {
        switch field {
        case "decode": return tps(a.speed.decode_tps)
        case "prefill": return tps(a.speed.prefill_tps)
        case "total": return gib(a.memory.total_bytes)
        case "weights": return gib(a.memory.weights_bytes)
        case "kv": return gib(a.memory.kv_cache_bytes)
        case "vision": return gib(a.memory.vision_bytes)
        case "fit":
            switch a.fit.tier {
            case FitTier.comfortable.rawValue: return "runs comfortably"
            case FitTier.tradeoffs.rawValue: return "runs with tradeoffs"
            default: return "won't run"
            }
        case "gpu_layers": return "\(a.fit.gpu_layers) of \(a.fit.total_layers)"
        default: return ""
        }
    }

    /// "45-55 tok/s" (whole numbers; one decimal below 10).
    public static func tps(_ r: SpeedRange) -> String {
        func n(_ x: Double) -> String {
            if x >= 1000 { return formatThousands(Int(x.rounded())) }
            return r.high < 10 ? String(format: "%.1f", x) : String(Int(x.rounded()))
        }
        if r.expected == 0 { return "0 tok/s" }
        return "\(n(r.low))-\(n(r.high)) tok/s"
    }

    static func formatThousands(_ v: Int) -> String {
        let s = String(v)
        var out = ""
        for (i, ch) in s.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return String(out.reversed())
    }

    /// "5.9 GiB", or "512 MiB" below 1 GiB.
    public static func gib(_ b: UInt64) -> String {
        let g = Double(b) / 1_073_741_824
        if g >= 1 { return String(format: "%.1f GiB", g) }
        return String(format: "%.0f MiB", Double(b) / 1_048_576)
    }
}
