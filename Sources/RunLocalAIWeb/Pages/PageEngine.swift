import Foundation
import RunLocalAIApp
import RunLocalAICore

/// What every page reads: the site's catalog and content, and the answer service. Pages only format what these
/// return; they plan nothing and parse no question of their own (``Question/parse(_:)`` does).
struct PageEngine: Sendable {
    let site: Site

    init(site: Site) { self.site = site }

    var catalog: Catalog { site.catalog }
    var service: AnswerService { site.service }

    /// The answer to a question (evidence applied): every figure a page shows for a catalog tuple comes from here.
    func answer(_ q: Question) async throws -> Answer { try await service.answer(q) }

    /// `answer` for several questions, in order; nil where the engine refuses one.
    func answers(_ qs: [Question]) async -> [Answer?] { await service.answers(qs) }

    /// Quantisations offered in forms and tables, largest first.
    static let quantLadder = AnswerService.quantLadder
    /// The quantisations shown in a model's memory table.
    static let tableQuants = ["F16", "Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "IQ4_XS", "Q3_K_M"]
    static let contexts = [2048, 4096, 8192, 16384, 32768, 65536, 131072]
}

extension Question {
    /// A question built from catalog ids (pages' links); the quantisation must be one llama.cpp knows.
    init(model: String, quant: String, hardware: String, context: Int = Question.defaultContext, images: Int = 0) {
        self.init(model: model, quant: QuantMix(name: quant) ?? QuantMix(name: Question.defaultQuant)!, hardware: .named(hardware),
                  context: context, images: images)
    }

    /// A page's context parameter through the question grammar ("32K", "8192"); nil when absent or invalid.
    static func contextParameter(_ raw: String?) -> Int? { raw.flatMap { try? Question.context($0) } }
}
