import Foundation
import Hummingbird
import HummingbirdTesting
import RunLocalAICore
import RunLocalAIStore
@testable import RunLocalAIWeb
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The site the page tests run against: the repository's catalog and content, a fresh SQLite store in a
/// temporary folder, a fixed clock. Built once (the per-site derived figures are computed once).
enum PagesFixture {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    static let shared: Task<Site, Error> = Task {
        let catalogURL = repoRoot.appendingPathComponent("catalog")
        let catalog = try Catalog.load(from: catalogURL)
        let library = try ContentLoader.load(from: repoRoot.appendingPathComponent("content"), catalog: catalog)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("runlocalai-pages-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try SQLiteBenchmarkStore(path: dir.appendingPathComponent("pages.sqlite").path)
        try await store.migrate()
        let t = now
        return Site(catalog: catalog, content: SiteContent(library), store: store, now: { t })
    }

    static func site() async throws -> Site { try await shared.value }

    struct Page { var status: HTTPResponse.Status; var contentType: String; var body: String }

    /// Runs `body` with a client of the whole router (API + pages).
    static func withClient(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: buildRouter(site: try await site()))
        try await app.test(.router) { client in try await body(client) }
    }

    static func get(_ client: any TestClientProtocol, _ uri: String) async throws -> Page {
        try await client.execute(uri: uri, method: .get) { r in
            Page(status: r.status, contentType: r.headers[.contentType] ?? "", body: String(buffer: r.body))
        }
    }

    /// A same-origin form post, as a browser sends it: with the CSRF cookie and the form's matching `_csrf` field.
    static let csrfToken = String(repeating: "ab", count: 32)

    static func post(_ client: any TestClientProtocol, _ uri: String, form: [(String, String)], csrf: Bool = true,
                     headers extra: HTTPFields = [:]) async throws -> Page {
        let fields = csrf ? form + [("_csrf", csrfToken)] : form
        let body = fields.map { "\(formEncode($0.0))=\(formEncode($0.1))" }.joined(separator: "&")
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if csrf { headers[.cookie] = "rla_csrf=\(csrfToken)" }
        for f in extra { headers[f.name] = f.value }
        return try await client.execute(uri: uri, method: .post, headers: headers,
                                        body: ByteBuffer(string: body)) { r in
            Page(status: r.status, contentType: r.headers[.contentType] ?? "", body: String(buffer: r.body))
        }
    }

    static func formEncode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    /// `href="…"` values of internal links (site paths), fragments removed, entities decoded.
    static func internalLinks(_ html: String) -> [String] {
        var out: [String] = []
        var rest = html[...]
        while let r = rest.range(of: "href=\"") {
            rest = rest[r.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { break }
            var link = String(rest[..<end]).replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&#39;", with: "'")
                .replacingOccurrences(of: "&quot;", with: "\"")
            rest = rest[end...]
            if let hash = link.firstIndex(of: "#") { link = String(link[..<hash]) }
            guard link.hasPrefix("/"), !link.hasPrefix("//") else { continue }
            out.append(link)
        }
        return out
    }

    /// Whether `text` parses as XML.
    static func isWellFormedXML(_ text: String) -> Bool {
        let parser = XMLParser(data: Data(text.utf8))
        return parser.parse()
    }
}

/// Collects Atom entries' titles.
final class AtomCollector: NSObject, XMLParserDelegate {
    var entries = 0
    var titles: [String] = []
    private var inEntry = false, inTitle = false, text = ""
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if name == "entry" { inEntry = true; entries += 1 }
        if name == "title" && inEntry { inTitle = true; text = "" }
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { if inTitle { text += string } }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "title" && inTitle { titles.append(text); inTitle = false }
        if name == "entry" { inEntry = false }
    }
}
