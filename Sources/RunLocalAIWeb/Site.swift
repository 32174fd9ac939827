import Foundation
import RunLocalAICore
import RunLocalAIStore

/// Everything the site renders from: the catalog and written content (loaded once at start), the benchmark
/// store, and an injected clock. Every page and API answer is a view of these through the engine.
///
/// ```swift
/// let site = Site(catalog: catalog, content: content, store: store)
/// let app = buildApplication(site: site, configuration: .init(address: .hostname("127.0.0.1", port: 8080)))
/// ```
public struct Site: Sendable {
    public var catalog: Catalog
    public var content: SiteContent
    public var store: any BenchmarkStore
    public var now: @Sendable () -> Date
    /// Operator token for moderation endpoints (`RUNLOCALAI_ADMIN_TOKEN`); nil turns them off.
    public var adminToken: String?

    public init(catalog: Catalog, content: SiteContent, store: any BenchmarkStore, now: @escaping @Sendable () -> Date = Date.init,
                adminToken: String? = nil) {
        self.catalog = catalog; self.content = content; self.store = store; self.now = now; self.adminToken = adminToken
    }
}

/// Written content: glossary terms and errors-KB articles (Markdown with front matter under `content/`).
/// Filled by the content loader; see `Content/`.
public struct SiteContent: Sendable {
    public var glossary: [GlossaryTerm]
    public var errors: [ErrorArticle]
    public init(glossary: [GlossaryTerm] = [], errors: [ErrorArticle] = []) { self.glossary = glossary; self.errors = errors }
}
