import Foundation
import RunLocalAIApp
import RunLocalAICore
import RunLocalAIStore

/// Everything the site renders from: the catalog and written content (loaded once at start), the benchmark
/// store, and an injected clock. Every page and API answer is a view of these through the engine.
///
/// ```swift
/// let site = Site(catalog: catalog, content: content, store: store)
/// let app = buildApplication(site: site, address: .hostname("127.0.0.1", port: 8080))
/// ```
public struct Site: Sendable {
    public var catalog: Catalog
    public var content: SiteContent
    public var store: any BenchmarkStore
    public var now: @Sendable () -> Date
    /// Operator token for moderation endpoints (`RUNLOCALAI_ADMIN_TOKEN`); nil turns them off.
    public var adminToken: String?
    /// Synthesised model profiles per (model, quantisation), shared by pages and API.
    public var profiles: ProfileCache
    /// Request limits of the JSON API (body size, POST rate).
    public var limits: APILimits
    /// The calibration report on the published runs the site was seeded from (shown on /methodology).
    public var calibration: Calibration.Report?
    /// The one answer service every page and API route is a view of.
    public let service: AnswerService
    /// Figures computed once per site (score and chips of every device).
    public let derived: SiteDerived
    /// Sends the digest's confirmation mails (`serve --smtp`); nil: this server sends no mail and the signup says so.
    public var mailer: DigestMailer?

    public init(catalog: Catalog, content: SiteContent, store: any BenchmarkStore, now: @escaping @Sendable () -> Date = Date.init,
                adminToken: String? = nil, profiles: ProfileCache = ProfileCache(capacity: 2048), limits: APILimits = APILimits(),
                remote: RemoteModelSource? = nil) {
        self.catalog = catalog; self.content = content; self.store = store; self.now = now; self.adminToken = adminToken
        self.profiles = profiles; self.limits = limits
        service = AnswerService(catalog: catalog, store: store, profiles: profiles, remote: remote, now: now)
        derived = SiteDerived(catalog: catalog, profiles: profiles)
    }

    /// A site over an answer service built elsewhere (`AppSetup.open`): the same catalog, store and caches.
    public init(service: AnswerService, content: SiteContent, store: any BenchmarkStore, now: @escaping @Sendable () -> Date = Date.init,
                adminToken: String? = nil, limits: APILimits = APILimits()) {
        catalog = service.catalog; self.content = content; self.store = store; self.now = now; self.adminToken = adminToken
        profiles = service.profiles; self.limits = limits; self.service = service
        derived = SiteDerived(catalog: catalog, profiles: profiles)
    }
}

/// Written content: glossary terms and errors-KB articles (Markdown with front matter under `content/`).
/// Filled by the content loader (`ContentLoader` in RunLocalAICore).
public struct SiteContent: Sendable {
    public var glossary: [GlossaryTerm]
    public var errors: [ErrorArticle]
    /// Learning paths (`/learn`) and stacks (`/stacks`).
    public var learn: [LearnPath] = []
    public var stacks: [StackRecipe] = []
    /// Dated methodology changes (the digest's and changelog's).
    public var methodologyChanges: [MethodologyChange] = []
    public init(glossary: [GlossaryTerm] = [], errors: [ErrorArticle] = [], learn: [LearnPath] = [], stacks: [StackRecipe] = [],
                methodologyChanges: [MethodologyChange] = []) {
        self.glossary = glossary; self.errors = errors; self.learn = learn; self.stacks = stacks; self.methodologyChanges = methodologyChanges
    }
    public init(_ library: ContentLibrary) {
        self.init(glossary: library.glossary, errors: library.errors, learn: library.learn, stacks: library.stacks, methodologyChanges: library.methodologyChanges)
    }

    public func term(_ slug: String) -> GlossaryTerm? { glossary.first { $0.slug == slug } }
    public func error(_ slug: String) -> ErrorArticle? { errors.first { $0.slug == slug } }
}

/// Limits of the JSON API.
public struct APILimits: Sendable, Hashable {
    /// Largest request body accepted (bytes); larger gets 413.
    public var maxBodyBytes: Int
    /// Token bucket per client for POST requests: burst size and refill per second.
    public var postBurst: Double
    public var postRefillPerSecond: Double
    /// Whether the site runs behind a reverse proxy that appends the client's address to `X-Forwarded-For`. Only
    /// then is that header believed (its last entry, the one the proxy wrote); otherwise any client could pick a
    /// fresh address per request and never be limited. Off by default: the peer's own address is the client.
    public var trustForwardedFor: Bool

    public init(maxBodyBytes: Int = 256 * 1024, postBurst: Double = 20, postRefillPerSecond: Double = 0.5, trustForwardedFor: Bool = false) {
        self.maxBodyBytes = maxBodyBytes; self.postBurst = postBurst; self.postRefillPerSecond = postRefillPerSecond
        self.trustForwardedFor = trustForwardedFor
    }
}

/// Figures computed once per site and kept: every device's score and workload chips (default memory variant),
/// which lists and guides rank by. Computed on first use, in the application's one cache type.
public final class SiteDerived: Sendable {
    let catalog: Catalog
    let profiles: any ProfileSource
    private struct Facts: Sendable { var all: [HardwareFacts]; var byID: [String: HardwareFacts] }
    private let cache = BoundedCache<Int, Facts>(capacity: 1)
    private let combos = BoundedCache<Int, [String: EffectiveMemory]>(capacity: 1)

    init(catalog: Catalog, profiles: any ProfileSource) { self.catalog = catalog; self.profiles = profiles }

    private var computed: Facts {
        cache.value(for: 0) {
            let f = Guides.facts(catalog: catalog, profiles: profiles)
            return Facts(all: f, byID: Dictionary(f.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }))
        }
    }

    /// Score and chips of every catalog device.
    public var hardwareFacts: [HardwareFacts] { computed.all }

    public func facts(id: String) -> HardwareFacts? { computed.byID[id] }

    /// The memory a model gets on each catalog combo (8K context), by combo id.
    public var comboMemory: [String: EffectiveMemory] {
        combos.value(for: 0) {
            var out: [String: EffectiveMemory] = [:]
            for c in catalog.combos {
                guard let system = try? CustomBuild.system(CustomBuildQuery(hardware: c.hardware), catalog: catalog) else { continue }
                out[c.id] = CustomBuild.effectiveMemory(system: system, context: 8192, catalog: catalog, profiles: profiles)
            }
            return out
        }
    }
}
