import Foundation
import Yams

/// The whole catalog: models, hardware, runtimes and diffusion models, loaded from the reviewed files in `catalog/`.
///
/// Lookups by name are forgiving (see ``NameResolver``); an unknown or ambiguous name throws a
/// ``CatalogError`` that lists the closest entries.
///
/// ```swift
/// let catalog = try Catalog.load(from: URL(fileURLWithPath: "catalog"))
/// let model = try catalog.model(named: "llama 3.1 8b")
/// let gpu = try catalog.hardware(named: "2x RTX 3090")
/// ```
public struct Catalog: Sendable {
    public private(set) var models: [CatalogModel]
    public private(set) var hardware: [HardwareDevice]
    public private(set) var runtimes: [Runtime]
    /// Image and video diffusion models (`catalog/diffusion/`), estimated by ``DiffusionEstimator``.
    public private(set) var diffusion: [DiffusionModel]
    /// Multi-GPU combinations (`combos.yaml`) and whole machines (`systems.yaml`); empty when the files are absent.
    public internal(set) var combos: [HardwareCombo] = []
    public internal(set) var systems: [CatalogSystem] = []
    /// Non-GPU parts of a desktop build by class (`parts.yaml`); empty when absent.
    public internal(set) var parts: [PCPart] = []
    let modelIndex: NameResolver
    let diffusionIndex: NameResolver
    let hardwareIndex: NameResolver
    let runtimeIndex: NameResolver
    private let modelsByID: [String: Int]
    private let hardwareByID: [String: Int]

    public init(models: [CatalogModel], hardware: [HardwareDevice], runtimes: [Runtime], diffusion: [DiffusionModel] = []) {
        self.models = models.sorted { $0.id < $1.id }
        self.diffusion = diffusion.sorted { $0.id < $1.id }
        diffusionIndex = NameResolver(entries: self.diffusion.map { .init(id: $0.id, names: [$0.name] + $0.aliases, memoryGiB: []) })
        self.hardware = hardware.sorted { $0.id < $1.id }
        self.runtimes = runtimes.sorted { $0.id < $1.id }
        modelIndex = NameResolver(entries: self.models.map { .init(id: $0.id, names: [$0.name] + $0.aliases, memoryGiB: []) })
        hardwareIndex = NameResolver(entries: self.hardware.map {
            .init(id: $0.id, names: [$0.name, $0.displayName] + $0.aliases, memoryGiB: $0.memoryChoicesGiB)
        })
        runtimeIndex = NameResolver(entries: self.runtimes.map { .init(id: $0.id, names: [$0.name] + $0.aliases, memoryGiB: []) })
        modelsByID = Dictionary(self.models.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        hardwareByID = Dictionary(self.hardware.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public func model(id: String) -> CatalogModel? { modelsByID[id].map { models[$0] } }
    public func device(id: String) -> HardwareDevice? { hardwareByID[id].map { hardware[$0] } }

    /// Finds a model by id, name or alias, forgiving case, punctuation and parenthesised remarks.
    public func model(named query: String) throws -> CatalogModel {
        if let i = modelsByID[query] { return models[i] }   // an id: no normalisation needed
        let id = try modelIndex.resolve(query, kind: "model").id
        return models[modelsByID[id]!]
    }

    /// Finds hardware: one device, a memory variant ("M1 Max 32-core 64GB") and a count ("2x RTX 3090", "dual 3090",
    /// "two RTX 3090s"). A name that fits several Apple GPU-core variants of one chip equally well ("M2 Pro 16GB")
    /// is answered with the base (fewest-core) variant, the others listed in ``HardwareSelection/alternatives``.
    /// `exact`: no base-variant choice (a published measurement of "M1 Max" names no device, so calibration and
    /// submissions keep such a row unresolved rather than score it against a guess).
    public func hardware(named query: String, exact: Bool = false) throws -> HardwareSelection {
        if let i = hardwareByID[query] { return HardwareSelection(device: hardware[i], count: 1) }   // an id as it is: no count, no normalisation
        let (count, rest) = HardwareSelection.splitCount(query)
        guard count >= 1 else {
            throw CatalogError.invalid("hardware '\(query)' asks for \(count) devices; give at least one (e.g. '2x RTX 3090')")
        }
        guard count <= 64 else {
            throw CatalogError.invalid("hardware '\(query)' asks for \(count) devices; at most 64 are supported")
        }
        if let i = hardwareByID[rest] { return HardwareSelection(device: hardware[i], count: count) }   // an id: no normalisation needed
        let match: NameResolver.Match
        do { match = try hardwareIndex.resolve(rest, kind: "hardware") } catch CatalogError.ambiguous(let kind, let q, let candidates) {
            guard !exact, let base = baseVariant(of: candidates) else { throw CatalogError.ambiguous(kind: kind, query: q, candidates: candidates) }
            let device = hardware[hardwareByID[base]!]
            let memory = NameResolver.normalize(rest).memoryGiB.flatMap { m in device.memoryChoicesGiB.first { abs($0 - m) < 0.6 } }
            var s = HardwareSelection(device: device, count: count, memoryGiB: memory ?? device.memoryChoicesGiB.max())
            s.alternatives = candidates.filter { $0 != base }
            return s
        }
        let device = hardware[hardwareByID[match.id]!]
        let memory = match.memoryGiB ?? device.memoryChoicesGiB.max()
        return HardwareSelection(device: device, count: count, memoryGiB: memory)
    }

    /// The base variant when every candidate is the same Apple chip with a different GPU-core count (the memory
    /// size a user names is the deciding fact; the core count is a detail they often do not know): the fewest cores.
    func baseVariant(of candidates: [String]) -> String? {
        let devices = candidates.compactMap { device(id: $0) }
        guard devices.count == candidates.count, devices.count > 1, devices.allSatisfy({ $0.kind == .apple && $0.gpuCores != nil }) else { return nil }
        func chip(_ d: HardwareDevice) -> String {
            d.name.lowercased().replacingOccurrences(of: #"\d+-core( gpu)?"#, with: "", options: .regularExpression)
                .split(whereSeparator: { !$0.isLetter && !$0.isNumber }).joined(separator: " ")
        }
        guard Set(devices.map(chip)).count == 1 else { return nil }
        return devices.min { ($0.gpuCores ?? 0) < ($1.gpuCores ?? 0) }?.id
    }

    public func runtime(named query: String) throws -> Runtime {
        let id = try runtimeIndex.resolve(query, kind: "runtime").id
        return runtimes.first { $0.id == id }!
    }

    /// Finds a diffusion model by id, name or alias ("sdxl", "flux dev", "SD 3.5 Large").
    public func diffusionModel(named query: String) throws -> DiffusionModel {
        let id = try diffusionIndex.resolve(query, kind: "diffusion model").id
        return diffusion.first { $0.id == id }!
    }

    // MARK: Loading

    /// Loads every `*.yaml` under `hardware/`, `models/` and `runtimes/` of `directory`, and under `diffusion/`
    /// when that folder exists.
    public static func load(from directory: URL) throws -> Catalog {
        let fm = FileManager.default
        func files(_ sub: String) throws -> [URL] {
            let dir = directory.appendingPathComponent(sub)
            guard let names = try? fm.contentsOfDirectory(atPath: dir.path) else {
                throw CatalogError.invalid("catalog folder \(dir.path) is missing; pass --catalog PATH or set RUNLOCALAI_CATALOG")
            }
            return names.filter { $0.hasSuffix(".yaml") }.sorted().map { dir.appendingPathComponent($0) }
        }
        var models: [CatalogModel] = []
        for url in try files("models") {
            let file = try decode(ModelFile.self, url)
            for var m in file.models {
                m.family = file.family; m.vendor = file.vendor ?? ""; m.license = file.license ?? ""
                models.append(m)
            }
        }
        var hardware: [HardwareDevice] = []
        for url in try files("hardware") {
            let file = try decode(HardwareFile.self, url)
            for var d in file.devices { d.vendor = file.vendor; hardware.append(d) }
        }
        let runtimes = try files("runtimes").map { try decode(Runtime.self, $0) }
        var diffusion: [DiffusionModel] = []
        if fm.fileExists(atPath: directory.appendingPathComponent("diffusion").path) {
            for url in try files("diffusion") {
                let file = try decode(DiffusionFile.self, url)
                for var m in file.models { m.family = file.family; m.vendor = file.vendor ?? ""; diffusion.append(m) }
            }
        }
        var catalog = Catalog(models: models, hardware: hardware, runtimes: runtimes, diffusion: diffusion)
        let combos = directory.appendingPathComponent("combos.yaml"), systems = directory.appendingPathComponent("systems.yaml")
        if fm.fileExists(atPath: combos.path) { catalog.combos = try decode(CombosFile.self, combos).combos }
        if fm.fileExists(atPath: systems.path) { catalog.systems = try decode(SystemsFile.self, systems).systems }
        let parts = directory.appendingPathComponent("parts.yaml")
        if fm.fileExists(atPath: parts.path) { catalog.parts = try decode(PartsFile.self, parts).parts }
        try catalog.validateCombosAndSystems()
        try catalog.validateParts()
        return catalog
    }

    static func decode<T: Decodable>(_ type: T.Type, _ url: URL) throws -> T {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw CatalogError.invalid("cannot read \(url.path): \(error.localizedDescription)")
        }
        do { return try YAMLDecoder().decode(T.self, from: text) } catch let error as DecodingError {
            throw CatalogError.invalid("\(url.lastPathComponent): \(describe(error))")
        } catch {
            throw CatalogError.invalid("\(url.lastPathComponent): \(error)")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ p: [CodingKey]) -> String {
            p.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .keyNotFound(let key, let ctx): return "missing key '\(key.stringValue)' at \(path(ctx.codingPath))"
        case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx), .dataCorrupted(let ctx):
            return "\(path(ctx.codingPath)): \(ctx.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    /// Finds the `catalog/` folder: an explicit path, `RUNLOCALAI_CATALOG`, or a `catalog/` folder in the
    /// working directory or beside/above the executable.
    public static func locate(explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
                              executablePath: String = CommandLine.arguments.first ?? "") -> URL? {
        let fm = FileManager.default
        if let explicit { return URL(fileURLWithPath: explicit) }
        if let env = environment["RUNLOCALAI_CATALOG"], !env.isEmpty { return URL(fileURLWithPath: env) }
        var candidates = [URL(fileURLWithPath: fm.currentDirectoryPath)]
        var dir = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 { candidates.append(dir); dir = dir.deletingLastPathComponent() }
        for c in candidates {
            let url = c.appendingPathComponent("catalog")
            if fm.fileExists(atPath: url.appendingPathComponent("models").path) { return url }
        }
        return nil
    }
}

struct ModelFile: Decodable {
    var family: String
    var vendor: String?
    var license: String?
    var models: [CatalogModel]
}

struct HardwareFile: Decodable {
    var vendor: String
    var devices: [HardwareDevice]
}

/// A resolved hardware choice: a device, how many of it, and the memory variant.
public struct HardwareSelection: Sendable, Hashable {
    public var device: HardwareDevice
    public var count: Int
    /// Memory of one device in GiB (the chosen variant for Apple silicon and SoCs).
    public var memoryGiB: Double?
    /// Other catalog entries the name fitted equally well when the base variant was chosen ("M2 Pro 16GB" is
    /// answered for the 16-core GPU; the 19-core is listed here). Empty when the name was unambiguous.
    public var alternatives: [String] = []

    public init(device: HardwareDevice, count: Int = 1, memoryGiB: Double? = nil) {
        self.device = device
        self.count = count
        self.memoryGiB = memoryGiB ?? device.memoryChoicesGiB.max()
    }

    /// A stable id: `rtx-3090` or `2x-rtx-3090`, with `@64gb` for a memory variant of a multi-size device.
    public var id: String {
        var s = count > 1 ? "\(count)x-\(device.id)" : device.id
        if device.memoryChoicesGiB.count > 1, let m = memoryGiB { s += "@\(Int(m))gb" }
        return s
    }

    /// The selection as a hardware name the resolver reads back to it ("2x-rtx-3090", "apple-m4-max-40c 128gb"):
    /// what links and will-it-run questions built from a selection carry.
    public var query: String { id.replacingOccurrences(of: "@", with: " ") }

    public var displayName: String {
        var s = device.displayName
        if device.memoryChoicesGiB.count > 1, let m = memoryGiB { s += " \(Int(m))GB" }
        return count > 1 ? "\(count)x \(s)" : s
    }

    /// The count forms, compiled once: "2x NAME", "NAME x2", the selection id "2x-name", "2x3090", "NAME * 2".
    static let countPatterns: [NSRegularExpression] = [#"^(-?\d+)\s*[x×*]\s+(.+)$"#, #"^(.+?)\s+[x×*]\s*(-?\d+)$"#, #"^(\d+)x-([a-z].+)$"#,
                                                       #"^(\d{1,2})\s*[x×*](\d.*)$"#, #"^(.+?)\s*[×*]\s*(-?\d+)$"#]
        .map { try! NSRegularExpression(pattern: $0, options: [.caseInsensitive]) }

    /// Splits a count from the rest of a hardware name: "2x RTX 3090", "2x3090", "RTX 3090 x2", "3090 24GB * 4",
    /// "4 x A100", "dual 3090", "two RTX 3090s", "quad A6000", and the selection's own id "2x-rtx-3090".
    /// This is the one grammar for counts (CLI, pages, forms and the API all come through here).
    public static func splitCount(_ query: String) -> (Int, String) {
        var q = query.trimmingCharacters(in: .whitespaces)
        // Count words first: "dual 3090", "two RTX 3090s" (the plural 's' of the card goes with the word).
        let words: [String: Int] = ["single": 1, "one": 1, "dual": 2, "two": 2, "double": 2, "triple": 3, "three": 3,
                                    "quad": 4, "four": 4, "six": 6, "eight": 8, "octo": 8]
        if let space = q.firstIndex(where: { $0 == " " || $0 == "-" }), let n = words[q[..<space].lowercased()] {
            q = String(q[q.index(after: space)...]).trimmingCharacters(in: .whitespaces)
            if n > 1, q.count > 2, q.hasSuffix("s"), let prev = q.dropLast().last, prev.isNumber || prev.isUppercase || prev == " " {
                q.removeLast()
            }
            return (n, q)
        }
        // A count needs a separator after "x" or before it, so the "X" of "RTX 3090" is never read as "times"
        // ("6700 XT" is a card, not 6700 × "T"); "2x3090" (digits on both sides) is a count too.
        for (i, re) in countPatterns.enumerated() {
            guard let m = re.firstMatch(in: q, range: NSRange(q.startIndex..., in: q)) else { continue }
            let a = String(q[Range(m.range(at: 1), in: q)!]), b = String(q[Range(m.range(at: 2), in: q)!])
            let countFirst = i == 0 || i == 2 || i == 3
            if countFirst, let n = Int(a) { return (n, b) }
            if !countFirst, let n = Int(b) { return (n, a) }
        }
        return (1, q)
    }
}

/// Errors from catalog loading and lookups. Each message names the problem and the fix.
public enum CatalogError: Error, CustomStringConvertible, Equatable {
    case notFound(kind: String, query: String, suggestions: [String])
    case ambiguous(kind: String, query: String, candidates: [String])
    case invalid(String)

    public var description: String {
        switch self {
        case .notFound(let kind, let query, let suggestions):
            let hint = suggestions.isEmpty ? "" : "; did you mean \(suggestions.map { "'\($0)'" }.joined(separator: ", "))?"
            return "unknown \(kind) '\(query)'\(hint)"
        case .ambiguous(let kind, let query, let candidates):
            return "\(kind) '\(query)' is ambiguous: it could be \(candidates.map { "'\($0)'" }.joined(separator: ", ")); name one of them"
        case .invalid(let message):
            return message
        }
    }
}
