import Foundation
import Yams

/// A learning path (`content/learn/<slug>.md`): ordered steps, each a glossary term or a live tool of the site,
/// with why it comes now.
///
/// ```swift
/// let path = library.learn.first { $0.slug == "your-first-local-model" }!
/// path.steps.first?.target   // .term("quantization")
/// ```
public struct LearnPath: Sendable, Hashable, Identifiable {
    public var id: String { slug }
    public enum Level: String, Sendable, Hashable, CaseIterable, Codable { case beginner, intermediate, advanced }
    public struct Step: Sendable, Hashable {
        public enum Target: Sendable, Hashable {
            /// A glossary term's slug.
            case term(String)
            /// A page of the site, with its query ("/will-it-run?model=...").
            case tool(String)
        }
        public var target: Target
        public var label: String?
        public var why: String
    }
    public var slug: String
    public var title: String
    public var summary: String
    public var order: Int
    public var level: Level
    public var steps: [Step]
    public var sections: [GlossaryTerm.Section]
}

/// A stack (`content/stacks/<slug>.md`): runtime + front end + model + hardware for one use case. The page adds
/// the engine's own answer and commands for the model on the hardware; the file holds only the words and the
/// front end's set-up.
public struct StackRecipe: Sendable, Hashable, Identifiable {
    public var id: String { slug }
    public enum UseCase: String, Sendable, Hashable, CaseIterable, Codable { case chat, coding, documents, vision, laptop, server }
    public var slug: String
    public var title: String
    public var useCase: UseCase
    public var summary: String
    public var runtime: String
    public var model: String
    public var quant: String
    public var hardware: String
    public var context: Int
    public var images: Int
    public var frontEnd: String
    public var frontEndURL: String?
    public var extras: [String]
    public var sources: [String]
    public var reviewed: String?
    public var sections: [GlossaryTerm.Section]
}

extension ContentLoader {
    /// Site paths a learning step may link: the live tools and reference pages.
    public static let toolPrefixes = ["/will-it-run", "/hardware/", "/hardware-combos", "/models/", "/compare", "/guides/", "/cost", "/diagnose",
                                      "/errors/", "/tools/", "/methodology", "/start", "/stacks/", "/systems", "/ecosystem", "/glossary/"]

    struct StepFront: Decodable {
        var term: String?; var tool: String?; var label: String?; var why: String
        enum CodingKeys: String, CodingKey, CaseIterable { case term, tool, label, why }
        init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            term = try c.decodeIfPresent(String.self, forKey: .term); tool = try c.decodeIfPresent(String.self, forKey: .tool)
            label = try c.decodeIfPresent(LooseString.self, forKey: .label)?.value; why = try c.decode(LooseString.self, forKey: .why).value
        }
    }
    struct LearnFront: Decodable {
        var slug: String; var title: String; var summary: String; var order: Int; var level: LearnPath.Level; var steps: [StepFront]
        enum CodingKeys: String, CodingKey, CaseIterable { case slug, title, summary, order, level, steps }
        init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            slug = try c.decode(String.self, forKey: .slug); title = try c.decode(LooseString.self, forKey: .title).value
            summary = try c.decode(LooseString.self, forKey: .summary).value; order = try c.decode(Int.self, forKey: .order)
            level = try c.decode(LearnPath.Level.self, forKey: .level); steps = try c.decode([StepFront].self, forKey: .steps)
        }
    }
    struct StackFront: Decodable {
        var slug, title, summary, runtime, model, quant, hardware, frontEnd: String
        var useCase: StackRecipe.UseCase; var ctx: Int; var images: Int?; var frontEndURL: String?
        var extras: [String]?; var sources: [String]; var reviewed: String?
        enum CodingKeys: String, CodingKey, CaseIterable {
            case slug, title, summary, runtime, model, quant, hardware, ctx, images, extras, sources, reviewed
            case useCase = "use_case", frontEnd = "front_end", frontEndURL = "front_end_url"
        }
        init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            slug = try c.decode(String.self, forKey: .slug); title = try c.decode(LooseString.self, forKey: .title).value
            summary = try c.decode(LooseString.self, forKey: .summary).value; runtime = try c.decode(LooseString.self, forKey: .runtime).value
            model = try c.decode(LooseString.self, forKey: .model).value; quant = try c.decode(LooseString.self, forKey: .quant).value
            hardware = try c.decode(LooseString.self, forKey: .hardware).value; frontEnd = try c.decode(LooseString.self, forKey: .frontEnd).value
            useCase = try c.decode(StackRecipe.UseCase.self, forKey: .useCase); ctx = try c.decode(Int.self, forKey: .ctx)
            images = try c.decodeIfPresent(Int.self, forKey: .images); frontEndURL = try c.decodeIfPresent(String.self, forKey: .frontEndURL)
            extras = try c.decodeIfPresent([LooseString].self, forKey: .extras)?.map(\.value)
            sources = try c.decode([LooseString].self, forKey: .sources).map(\.value)
            reviewed = try c.decodeIfPresent(LooseString.self, forKey: .reviewed)?.value
        }
    }

    /// Parses one learning path; `terms` are the glossary slugs a step may name.
    public static func parseLearnPath(_ text: String, fileName: String, terms: Set<String>) throws -> LearnPath {
        let (yaml, body) = try splitFrontMatter(text, file: fileName)
        let f: LearnFront = try decodeFront(yaml, file: fileName)
        try checkSlug(f.slug, fileName: fileName)
        guard (2...20).contains(f.steps.count) else { throw ContentError(file: fileName, "has \(f.steps.count) steps; a path has 2 to 20") }
        let steps: [LearnPath.Step] = try f.steps.enumerated().map { i, s in
            switch (s.term, s.tool) {
            case (let t?, nil):
                guard terms.contains(t) else { throw ContentError(file: fileName, "step \(i + 1) names glossary term '\(t)', which does not exist; fix the slug or add content/glossary/\(t).md") }
                return .init(target: .term(t), label: s.label, why: s.why)
            case (nil, let p?):
                guard toolPrefixes.contains(where: { p == $0 || p.hasPrefix($0) }), !p.contains("..") else {
                    throw ContentError(file: fileName, "step \(i + 1) links '\(p)', which is not a page of the site; use one of \(toolPrefixes.joined(separator: ", "))")
                }
                guard let label = s.label, !label.isEmpty else { throw ContentError(file: fileName, "step \(i + 1) links a tool without a label; add label:") }
                return .init(target: .tool(p), label: label, why: s.why)
            default:
                throw ContentError(file: fileName, "step \(i + 1) must have exactly one of term: or tool:")
            }
        }
        return LearnPath(slug: f.slug, title: f.title, summary: f.summary, order: f.order, level: f.level, steps: steps,
                         sections: try parseSections(body, file: fileName))
    }

    /// Parses one stack; the model, hardware and runtime are checked against the catalog by the caller.
    public static func parseStack(_ text: String, fileName: String) throws -> StackRecipe {
        let (yaml, body) = try splitFrontMatter(text, file: fileName)
        let f: StackFront = try decodeFront(yaml, file: fileName)
        try checkSlug(f.slug, fileName: fileName)
        guard (512...1_048_576).contains(f.ctx) else { throw ContentError(file: fileName, "ctx \(f.ctx) must be 512...1048576") }
        let sections = try parseSections(body, file: fileName)
        guard sections.contains(where: { $0.heading.hasPrefix("Set up") }) else {
            throw ContentError(file: fileName, "has no '## Set up ...' section; a stack says how to set up its front end")
        }
        return StackRecipe(slug: f.slug, title: f.title, useCase: f.useCase, summary: f.summary, runtime: f.runtime, model: f.model, quant: f.quant,
                           hardware: f.hardware, context: f.ctx, images: f.images ?? 0, frontEnd: f.frontEnd, frontEndURL: f.frontEndURL,
                           extras: f.extras ?? [], sources: f.sources, reviewed: f.reviewed, sections: sections)
    }

    /// Loads `learn/` and `stacks/` when present, checking each stack's model, hardware and runtime against `catalog`.
    static func loadPaths(from directory: URL, catalog: Catalog, terms: Set<String>) throws -> ([LearnPath], [StackRecipe]) {
        let fm = FileManager.default
        var learn: [LearnPath] = [], stacks: [StackRecipe] = []
        let learnDir = directory.appendingPathComponent("learn"), stackDir = directory.appendingPathComponent("stacks")
        if fm.fileExists(atPath: learnDir.path) {
            for (name, text) in try files(learnDir) { learn.append(try parseLearnPath(text, fileName: name, terms: terms)) }
        }
        if fm.fileExists(atPath: stackDir.path) {
            for (name, text) in try files(stackDir) {
                let s = try parseStack(text, fileName: name)
                do {
                    _ = try catalog.model(named: s.model); _ = try catalog.hardware(named: s.hardware)
                    guard try catalog.runtime(named: s.runtime).kind != nil else {
                        throw ContentError(file: name, "runtime '\(s.runtime)' is not one the engine answers for (llama.cpp, ollama, lm-studio, vllm, mlx)")
                    }
                    guard QuantMix(name: s.quant) != nil else { throw ContentError(file: name, "quant '\(s.quant)' is not a llama.cpp file type") }
                } catch let e as ContentError { throw e } catch {
                    throw ContentError(file: "stacks/\(name)", "\(error)")
                }
                stacks.append(s)
            }
        }
        return (learn.sorted { ($0.order, $0.slug) < ($1.order, $1.slug) }, stacks.sorted { $0.slug < $1.slug })
    }
}

/// A dated change to how the engine computes its figures (`content/methodology-changes.yaml`), each citing the commit
/// that made it: the digest and the changelog list them by month.
public struct MethodologyChange: Sendable, Hashable, Codable {
    public var date: String
    public var title: String
    public var summary: String
    public var commit: String
    public init(date: String, title: String, summary: String, commit: String) {
        self.date = date; self.title = title; self.summary = summary; self.commit = commit
    }
}

extension ContentLoader {
    struct ChangesFile: Decodable {
        var changes: [MethodologyChange]
        enum CodingKeys: String, CodingKey, CaseIterable { case changes }
        init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            changes = try decoder.container(keyedBy: CodingKeys.self).decode([ChangeEntry].self, forKey: .changes).map(\.value)
        }
    }
    struct ChangeEntry: Decodable {
        var value: MethodologyChange
        enum CodingKeys: String, CodingKey, CaseIterable { case date, title, summary, commit }
        init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            value = MethodologyChange(date: try c.decode(LooseString.self, forKey: .date).value, title: try c.decode(LooseString.self, forKey: .title).value,
                                      summary: try c.decode(LooseString.self, forKey: .summary).value, commit: try c.decode(LooseString.self, forKey: .commit).value)
        }
    }

    /// `methodology-changes.yaml` when present: each entry needs a day (YYYY-MM-DD) and the commit that made it.
    static func loadChanges(from directory: URL) throws -> [MethodologyChange] {
        let url = directory.appendingPathComponent("methodology-changes.yaml")
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch { throw ContentError(file: url.lastPathComponent, "cannot be read: \(error.localizedDescription)") }
        let file: ChangesFile = try decodeFront(text, file: url.lastPathComponent)
        let day = try! NSRegularExpression(pattern: "^20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")
        for c in file.changes {
            guard day.firstMatch(in: c.date, range: NSRange(c.date.startIndex..., in: c.date)) != nil, c.commit.count >= 7 else {
                throw ContentError(file: url.lastPathComponent, "change '\(c.title)' needs date: YYYY-MM-DD and the commit that made it")
            }
        }
        return file.changes.sorted { $0.date > $1.date }
    }
}
