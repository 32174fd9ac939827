import Foundation
import RunLocalAICore
import RunLocalAIStore

/// Validation of a submitted benchmark run at the API (`POST /api/v1/benchmarks`): the store's
/// ``SubmissionValidator`` (catalog names resolved to ids first), its problems turned into the API's one error
/// body. The first problem names the code and the parameter; the message lists them all.
///
/// ```swift
/// let run = try SubmissionCheck.validate(submitted, catalog: catalog, now: Date())
/// ```
enum SubmissionCheck {
    static func validate(_ input: BenchmarkRun, catalog: Catalog, now: Date) throws -> BenchmarkRun {
        do {
            return try SubmissionValidator.validate(SubmissionValidator.resolvingNames(in: input, catalog: catalog), catalog: catalog, now: now)
        } catch let rejected as SubmissionRejected {
            guard let first = rejected.problems.first else { throw APIError(.badRequest, code: "invalid_field", rejected.description) }
            let base = String(first.field.prefix { $0 != "[" })
            let code = first.code == .unknown ? "unknown_\(base)" : "invalid_field"
            throw APIError(.badRequest, code: code, rejected.problems.map(\.description).joined(separator: "; "), parameter: base)
        }
    }
}
