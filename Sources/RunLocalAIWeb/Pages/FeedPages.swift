import Foundation
import RunLocalAIApp
import RunLocalAICore
import RunLocalAIStore

/// `/feed.xml` (Atom feed of catalog entries by release date), `/sitemap.xml` and the HTML `/sitemap`.
enum FeedPages {
    static let siteURL = "https://runlocalai.co"

    /// Every page worth indexing, grouped for the HTML sitemap.
    static func pages(_ engine: PageEngine) -> [(group: String, links: [(label: String, path: String)])] {
        let c = engine.catalog, content = engine.site.content
        var out: [(String, [(String, String)])] = []
        out.append(("Guides", GuidePages.guides.map { ($0.title, "/guides/\($0.slug)") }))
        out.append(("Learn", content.learn.map { ($0.title, "/learn/\(URLs.segment($0.slug))") }))
        out.append(("Stacks", content.stacks.map { ($0.title, "/stacks/\(URLs.segment($0.slug))") }))
        out.append(("Hardware combos", c.combos.map { ($0.name, "/hardware-combos/\(URLs.segment($0.id))") }))
        out.append(("Systems", c.systems.map { ($0.name, "/systems/\(URLs.segment($0.id))") }))
        out.append(("Models", c.models.map { ($0.name, "/models/\(URLs.segment($0.id))") }))
        out.append(("Hardware", c.hardware.map { ($0.displayName, "/hardware/\(URLs.segment($0.id))") }))
        out.append(("Tools", c.runtimes.map { ($0.name, "/tools/\(URLs.segment($0.id))") }))
        out.append(("Glossary", content.glossary.map { ($0.term, "/glossary/\(URLs.segment($0.slug))") }))
        out.append(("Errors", content.errors.map { ($0.title, "/errors/\(URLs.segment($0.slug))") }))
        // The site's own pages come first, less the ones a group below lists (the menus link the guides too, and a
        // guide belongs under Guides); then unique paths, first label wins.
        let listed = Set(out.flatMap { $0.1.map(\.1) })
        let site = ([("Home", "/")] + Layout.menus.flatMap { $0.links.map { ($0.label, $0.href) } }
                    + [("Public API", "/public-api"), ("Sitemap", "/sitemap")]).filter { !listed.contains($0.1) }
        out.insert(("Site", site), at: 0)
        var seen = Set<String>()
        return out.map { g in (g.0, g.1.filter { seen.insert($0.1).inserted }.map { (label: $0.0, path: $0.1) }) }
    }

    static func sitemapPage(_ engine: PageEngine) -> HTMLResponse {
        let groups = pages(engine)
        return Layout.page(title: "Sitemap", path: "/sitemap", crumbs: [("Sitemap", nil)]) {
            h1 { "Sitemap" }
            p(.class("lede")) { "Every page. Machine-readable: "; a(href: "/sitemap.xml") { "sitemap.xml" }; "." }
            for g in groups {
                h2 { g.group; " "; span(.class("kicker")) { String(g.links.count) } }
                ul(.class("cols")) { for l in g.links { li { a(href: l.path) { l.label } } } }
            }
        }
    }

    static func sitemapXML(_ engine: PageEngine) -> TextResponse {
        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
        for g in pages(engine) {
            for l in g.links { s += "<url><loc>\(HTML.escape(siteURL + l.path))</loc></url>\n" }
        }
        s += "</urlset>\n"
        return TextResponse(contentType: "application/xml; charset=utf-8", body: s)
    }

    static func atom(_ engine: PageEngine) async -> TextResponse {
        var entries = Array(CatalogChanges.entries(engine.catalog).prefix(50))
        // One entry per monthly digest (the last twelve months with anything to report), dated its first day.
        let runs = (try? await engine.site.store.allRuns()) ?? []
        let regressions = Regressions.find(in: runs)
        for month in Digest.months(catalog: engine.catalog, runs: runs, changes: engine.site.content.methodologyChanges, now: engine.site.now()).prefix(12) {
            let d = Digest.build(month: month, catalog: engine.catalog, runs: runs, changes: engine.site.content.methodologyChanges, regressions: regressions)
            entries.append(CatalogChanges.Entry(date: "\(month)-01", title: "Digest \(month)", kind: "digest", path: "/digest/\(month)",
                                                summary: "\(d.additions.count) releases, \(d.runs.count) runs measured, \(d.regressions.count) regressions, \(d.methodology.count) methodology changes."))
        }
        entries.sort { $0.date != $1.date ? $0.date > $1.date : $0.title < $1.title }
        let updated = entries.first.map { "\($0.date)T00:00:00Z" } ?? "2026-01-01T00:00:00Z"
        var s = """
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom">
        <title>RunLocalAI catalog changes</title>
        <subtitle>Models and hardware added to the RunLocalAI catalog, by release date, and the monthly digest</subtitle>
        <id>\(siteURL)/feed.xml</id>
        <link rel="self" type="application/atom+xml" href="\(siteURL)/feed.xml"/>
        <link rel="alternate" type="text/html" href="\(siteURL)/changelog"/>
        <updated>\(updated)</updated>
        <author><name>RunLocalAI</name></author>

        """
        for e in entries {
            s += """
            <entry>
            <title>\(HTML.escape("\(e.title) (\(e.kind))"))</title>
            <id>\(HTML.escape(siteURL + e.path))</id>
            <link rel="alternate" type="text/html" href="\(HTML.escape(siteURL + e.path))"/>
            <updated>\(e.date)T00:00:00Z</updated>
            <category term="\(e.kind)"/>
            <summary>\(HTML.escape(e.summary))</summary>
            </entry>

            """
        }
        s += "</feed>\n"
        return TextResponse(contentType: "application/atom+xml; charset=utf-8", body: s)
    }
}
