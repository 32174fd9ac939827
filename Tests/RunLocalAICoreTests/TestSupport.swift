import Foundation
@testable import RunLocalAICore

/// Paths and shared objects for the tests: the repository's own catalog and fixtures.
enum TestSupport {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = repoRoot.appendingPathComponent("Tests/Fixtures")
    /// `shared/` beside the repository (the reference data CI copies beside the clone).
    static let shared = repoRoot.deletingLastPathComponent().appendingPathComponent("shared")

    static let catalog: Catalog = {
        do { return try Catalog.load(from: repoRoot.appendingPathComponent("catalog")) } catch {
            fatalError("the repository catalog does not load: \(error)")
        }
    }()

    static func profile(_ model: String, _ quant: String = "Q4_K_M") throws -> ModelProfile {
        ModelProfile(model: try catalog.model(named: model), mix: QuantMix(name: quant)!)
    }

    static func system(_ hardware: String, ramGiB: Double? = nil) throws -> TargetSystem {
        let s = try catalog.hardware(named: hardware)
        return TargetSystem(s, host: ramGiB.map { .init(ramGiB: $0) })
    }

    static let gib = 1_073_741_824.0
    static let mib = 1_048_576.0
}
