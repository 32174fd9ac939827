import Foundation
import Hummingbird

/// The site's frame: head, header with the primary menu, breadcrumbs, footer with every section, one inline
/// style sheet and a few lines of progressive enhancement (copy buttons). Every page goes through ``page``.
///
/// ```swift
/// return Layout.page(title: "Models", path: "/models", crumbs: [("Models", nil)]) {
///     h1 { "Models" }
/// }
/// ```
enum Layout {
    static let siteName = "RunLocalAI"

    struct MenuGroup { var title: String; var links: [(label: String, href: String)] }

    /// The menus of the original site, each leading to a page of ours.
    static let menus: [MenuGroup] = [
        MenuGroup(title: "DIR", links: [("Models", "/models"), ("Hardware", "/hardware"), ("Hardware combos", "/hardware-combos"),
                                        ("Systems", "/systems"), ("Tools", "/tools"), ("Stacks", "/stacks"), ("Benchmarks", "/benchmarks"),
                                        ("Will it run?", "/will-it-run"), ("Start", "/start")]),
        MenuGroup(title: "GUIDES", links: [("All guides", "/guides"), ("Best GPU", "/guides/best-gpu"),
                                           ("Best budget GPU", "/guides/best-budget-gpu"), ("Best used GPU", "/guides/best-used-gpu"),
                                           ("Best GPU for Ollama", "/guides/best-gpu-for-ollama"),
                                           ("Best GPU for vision", "/guides/best-gpu-for-vision"), ("Best Mac", "/guides/best-mac"),
                                           ("16 vs 24 GB", "/guides/16-vs-24-gb"), ("Compare hardware", "/compare"),
                                           ("Compare models", "/compare/models"), ("Custom build", "/will-it-run/custom"),
                                           ("Cost vs cloud", "/cost")]),
        MenuGroup(title: "REF", links: [("Learn", "/learn"), ("Methodology", "/methodology"), ("Glossary", "/glossary"), ("Errors KB", "/errors"),
                                        ("Ecosystem map", "/ecosystem"),
                                        ("Troubleshooting", "/diagnose"), ("Public API", "/public-api")]),
        MenuGroup(title: "EDITOR", links: [("About", "/about"), ("Pulse", "/pulse"), ("Monthly digest", "/digest"), ("Changelog", "/changelog"), ("Submit benchmark", "/benchmarks/submit"), ("Request a benchmark", "/benchmarks/request"),
                                           ("Send feedback", "/feedback"), ("Trust", "/trust"), ("Editorial policy", "/editorial-policy"),
                                           ("How we make money", "/how-we-make-money")]),
        MenuGroup(title: "LEGAL", links: [("Privacy", "/privacy"), ("Terms", "/terms"), ("Sitemap", "/sitemap")]),
    ]

    /// The compact bar at the top.
    static let primary: [(label: String, href: String)] = [
        ("Will it run?", "/will-it-run"), ("Start", "/start"), ("Models", "/models"), ("Hardware", "/hardware"), ("Tools", "/tools"),
        ("Benchmarks", "/benchmarks"), ("Guides", "/guides"), ("Compare", "/compare"), ("Pulse", "/pulse"), ("Glossary", "/glossary"),
        ("Errors", "/errors"),
    ]

    static func page(title: String, description: String? = nil, path: String, crumbs: [(String, String?)] = [],
                     status: HTTPResponse.Status = .ok, @HTMLBuilder _ body: () -> HTML) -> HTMLResponse {
        let content = body()
        let doc = HTML {
            HTML.raw("<!doctype html>\n")
            HTML.element("html", [Attr("lang", "en")], HTML {
                HTML.element("head", [], HTML {
                    meta(Attr("charset", "utf-8"))
                    meta(.name("viewport"), Attr("content", "width=device-width, initial-scale=1"))
                    HTML.element("title", [], HTML(text: path == "/" ? "\(siteName) — will this model run on my hardware?" : "\(title) · \(siteName)"))
                    if let description { meta(.name("description"), Attr("content", description)) }
                    meta(.name("theme-color"), Attr("content", "#f6f5f1"))
                    linkElement(Attr("rel", "alternate"), .type("application/atom+xml"), .title("Catalog changes"), .href("/feed.xml"))
                    linkElement(Attr("rel", "icon"), .href("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='2' fill='%2314161a'/%3E%3Crect x='3' y='9' width='2' height='4' fill='%23f59e0b'/%3E%3Crect x='7' y='6' width='2' height='7' fill='%23f59e0b'/%3E%3Crect x='11' y='3' width='2' height='10' fill='%23f59e0b'/%3E%3C/svg%3E"))
                    HTML.element("style", [], .raw(css))
                })
                HTML.element("body", [], HTML {
                    a(href: "#main", .class("skip")) { "Skip to content" }
                    header(path: path)
                    mainElement(.id("main"), .class("wrap")) {
                        if !crumbs.isEmpty { breadcrumbs(crumbs) }
                        content
                    }
                    footer()
                    HTML.element("script", [], .raw(script))
                })
            })
        }
        return HTMLResponse(status: status, document: doc)
    }

    static func header(path: String) -> HTML {
        HTML.element("header", [.class("top")], HTML {
            div(.class("wrap bar")) {
                a(href: "/", .class("brand"), Attr("aria-label", "RunLocalAI home")) {
                    span(.class("mark"), Attr("aria-hidden", "true")) { HTML.raw("<i></i><i></i><i></i>") }
                    span(.class("word")) { "RUNLOCALAI" }
                }
                nav(.class("primary"), Attr("aria-label", "Main")) {
                    for l in primary {
                        let active = l.href == "/" ? path == "/" : (path == l.href || path.hasPrefix(l.href + "/"))
                        a(href: l.href, active ? Attr("aria-current", "page") : nil) { l.label }
                    }
                }
            }
        })
    }

    static func breadcrumbs(_ crumbs: [(String, String?)]) -> HTML {
        nav(.class("crumbs"), Attr("aria-label", "Breadcrumb")) {
            a(href: "/") { "Home" }
            for (label, href) in crumbs {
                span(.class("sep"), Attr("aria-hidden", "true")) { "/" }
                if let href { a(href: href) { label } } else { span(Attr("aria-current", "page")) { label } }
            }
        }
    }

    static func footer() -> HTML {
        HTML.element("footer", [.class("foot")], HTML {
            div(.class("wrap")) {
                div(.class("menus")) {
                    for g in menus {
                        nav(Attr("aria-label", g.title)) {
                            h2 { g.title }
                            ul {
                                for l in g.links { li { a(href: l.href) { l.label } } }
                            }
                        }
                    }
                }
                p(.class("disclosure")) {
                    "Every figure on this site comes from one engine — the same one behind "
                    code { "runlocalai will-it-run" }
                    " and the public API — and carries its evidence label. No affiliate links; see "
                    a(href: "/how-we-make-money") { "how we make money" }
                    ". Data CC-BY-4.0, code open source. "
                    a(href: "/feed.xml") { "Atom feed" }
                    " of catalog changes."
                }
            }
        })
    }

    // MARK: Style

    static let css = """
    :root{--bg:#f6f5f1;--panel:#fff;--ink:#16181d;--ink2:#4a4f59;--ink3:#7a808b;--rule:#dcdad3;--rule2:#ebe9e3;
    --accent:#b45309;--accent-bg:#fdf3e4;--ok:#15803d;--ok-bg:#e8f5ec;--warn:#b45309;--warn-bg:#fdf1df;--bad:#b91c1c;--bad-bg:#fbe9e9;
    --mono:ui-monospace,"SF Mono",SFMono-Regular,Menlo,Consolas,"Liberation Mono","DejaVu Sans Mono",monospace;
    --sans:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
    *{box-sizing:border-box}
    html{-webkit-text-size-adjust:100%}
    body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.55 var(--sans);font-variant-numeric:tabular-nums}
    a{color:#1d4ed8;text-decoration:none}a:hover{text-decoration:underline}
    .wrap{max-width:1120px;margin:0 auto;padding:0 20px}
    .skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px 8px;z-index:9}
    header.top{background:#14161a;color:#e7e5df;border-bottom:3px solid var(--accent)}
    .bar{display:flex;align-items:center;gap:28px;min-height:52px}
    .brand{display:flex;align-items:center;gap:10px;color:#fff;font:700 15px/1 var(--mono);letter-spacing:.14em;white-space:nowrap}
    .brand:hover{text-decoration:none}
    .mark{display:inline-flex;align-items:flex-end;gap:2px;height:16px}.mark i{display:block;width:4px;background:#f59e0b}
    .mark i:nth-child(1){height:6px}.mark i:nth-child(2){height:11px}.mark i:nth-child(3){height:16px}
    nav.primary{display:flex;gap:2px;overflow-x:auto;scrollbar-width:none;font:500 13px/1 var(--mono);text-transform:uppercase;letter-spacing:.04em}
    nav.primary::-webkit-scrollbar{display:none}
    nav.primary a{color:#b9b6ad;padding:19px 9px 16px;white-space:nowrap;border-bottom:2px solid transparent}
    nav.primary a:hover{color:#fff;text-decoration:none}
    nav.primary a[aria-current]{color:#fff;border-bottom-color:#f59e0b}
    main{padding-top:18px;padding-bottom:48px;min-height:60vh}
    .crumbs{font:12px/1.4 var(--mono);color:var(--ink3);margin-bottom:10px;text-transform:uppercase;letter-spacing:.04em}
    .crumbs a{color:var(--ink2)}.crumbs .sep{margin:0 6px;color:var(--rule)}
    h1{font-size:28px;line-height:1.2;margin:4px 0 8px;letter-spacing:-.01em}
    h2{font-size:19px;margin:32px 0 10px;padding-top:10px;border-top:1px solid var(--rule)}
    h3{font-size:15px;margin:22px 0 8px}
    h2 .kicker,.kicker{font:600 11px/1 var(--mono);color:var(--ink3);text-transform:uppercase;letter-spacing:.08em}
    p{margin:0 0 12px}
    .lede{font-size:16.5px;color:var(--ink2);max-width:760px}
    .muted{color:var(--ink3)}.small{font-size:13px}
    code,kbd,pre,.mono,.num{font-family:var(--mono)}
    code{font-size:.88em;background:var(--rule2);padding:1px 5px;border-radius:3px;overflow-wrap:anywhere}
    pre{background:#14161a;color:#e7e5df;padding:12px 14px;border-radius:4px;overflow-x:auto;font-size:13px;line-height:1.5;position:relative;margin:0 0 14px}
    pre code{background:none;padding:0;color:inherit;font-size:inherit;overflow-wrap:normal}
    .copy{position:absolute;top:6px;right:6px;font:600 11px/1 var(--mono);background:#2a2d34;color:#d6d3cb;border:1px solid #3a3e47;border-radius:3px;padding:5px 7px;cursor:pointer}
    .copy:hover{background:#3a3e47}
    .table-wrap{overflow-x:auto;margin:0 0 16px;border:1px solid var(--rule);background:var(--panel);border-radius:4px}
    table{border-collapse:collapse;width:100%;font-size:13.5px}
    th,td{padding:6px 10px;text-align:left;border-bottom:1px solid var(--rule2);vertical-align:middle}
    .over{color:var(--bad);font-weight:600}
    th{font:600 11px/1.3 var(--mono);text-transform:uppercase;letter-spacing:.05em;color:var(--ink2);background:#faf9f6;white-space:nowrap;position:sticky;top:0}
    tr:last-child td{border-bottom:0}
    tbody tr:hover td{background:#fbfaf7}
    td.num,th.num{text-align:right;font-family:var(--mono);white-space:nowrap}
    td.nowrap{white-space:nowrap}
    .panel{background:var(--panel);border:1px solid var(--rule);border-radius:4px;padding:16px 18px;margin:0 0 16px}
    .grid{display:grid;gap:16px}.g2{grid-template-columns:repeat(2,minmax(0,1fr))}.g3{grid-template-columns:repeat(3,minmax(0,1fr))}.g4{grid-template-columns:repeat(4,minmax(0,1fr))}
    .tiles a{display:block;background:var(--panel);border:1px solid var(--rule);border-radius:4px;padding:12px 14px;color:var(--ink)}
    .tiles a:hover{border-color:var(--ink3);text-decoration:none}
    .tiles b{display:block;font-size:14.5px}.tiles span{display:block;color:var(--ink3);font-size:13px}
    .tier{display:inline-block;font:700 11px/1 var(--mono);text-transform:uppercase;letter-spacing:.06em;padding:5px 7px;border-radius:3px;white-space:nowrap}
    .tier.comfortable{background:var(--ok-bg);color:var(--ok)}.tier.tradeoffs{background:var(--warn-bg);color:var(--warn)}
    .tier.wont-run{background:var(--bad-bg);color:var(--bad)}.tier.tight{background:var(--warn-bg);color:var(--warn)}
    .tier.marginal{background:#f3ece3;color:#8a5a1c}.tier.none{background:var(--rule2);color:var(--ink3)}
    .ev{display:inline-block;font:600 11px/1 var(--mono);border:1px solid var(--rule);border-radius:3px;padding:3px 5px;color:var(--ink2);background:#faf9f6}
    .verdict{display:grid;grid-template-columns:minmax(0,1.4fr) minmax(0,1fr);gap:0;border:1px solid var(--rule);border-radius:4px;background:var(--panel);margin:0 0 18px;overflow:hidden}
    .verdict>div{padding:16px 18px}.verdict>div+div{border-left:1px solid var(--rule)}
    .verdict.comfortable{border-top:4px solid var(--ok)}.verdict.tradeoffs{border-top:4px solid var(--warn)}.verdict.wont-run{border-top:4px solid var(--bad)}
    .verdict .big{font-size:24px;font-weight:700;line-height:1.2;margin:6px 0 6px}
    .stats{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:12px 16px;margin:0}
    .stats dt{font:600 10.5px/1.2 var(--mono);text-transform:uppercase;letter-spacing:.07em;color:var(--ink3)}
    .stats dd{margin:2px 0 0;font:600 18px/1.25 var(--mono)}.stats dd small{font-weight:400;color:var(--ink3);font-size:12px}
    ul.notes{margin:8px 0 0;padding-left:18px;color:var(--ink2);font-size:14px;overflow-wrap:anywhere}
    p.small,.small li{overflow-wrap:anywhere}
    form.q{background:var(--panel);border:1px solid var(--rule);border-radius:4px;padding:14px 16px;margin:0 0 18px}
    .fields{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px 12px;align-items:end}
    .fields .wide{grid-column:span 2}
    label{display:block;font:600 10.5px/1.2 var(--mono);text-transform:uppercase;letter-spacing:.07em;color:var(--ink2)}
    label>input,label>select,label>textarea{margin-top:4px}
    input,select,textarea,button{font:14px/1.3 var(--sans);color:var(--ink)}
    input[type=text],input[type=number],input[type=search],input[type=email],input:not([type]),select,textarea{display:block;width:100%;padding:7px 8px;border:1px solid #c9c6bd;border-radius:3px;background:#fff}
    textarea{font:13px/1.45 var(--mono);min-height:180px}
    input:focus,select:focus,textarea:focus{outline:2px solid #f59e0b;outline-offset:0;border-color:#b45309}
    .check{display:flex;align-items:center;gap:6px;text-transform:none;letter-spacing:0;font:14px var(--sans);color:var(--ink);padding-bottom:8px}
    button,.btn{display:inline-block;background:#14161a;color:#fff;border:0;border-radius:3px;padding:9px 16px;font-weight:600;cursor:pointer;white-space:nowrap}
    button:hover,.btn:hover{background:#2d3139;text-decoration:none}
    .whatif{display:flex;flex-wrap:wrap;gap:8px;margin:0 0 14px;padding:0;list-style:none}
    .whatif a{display:inline-block;border:1px solid var(--rule);background:var(--panel);border-radius:3px;padding:6px 10px;font-size:13.5px;color:var(--ink)}
    .whatif a:hover{border-color:var(--ink3);text-decoration:none}.whatif a b{font-family:var(--mono);font-weight:600;color:var(--accent)}
    .chart{margin:0 0 14px;background:var(--panel);border:1px solid var(--rule);border-radius:4px;padding:10px 12px}
    .chart svg{display:block;width:100%;height:auto;max-width:100%}
    .legend{display:flex;flex-wrap:wrap;gap:6px 14px;font:12px/1.3 var(--mono);color:var(--ink2);margin:6px 0 0;padding:0;list-style:none}
    .legend i{display:inline-block;width:10px;height:10px;margin-right:5px;vertical-align:-1px;border-radius:2px}
    .chips{display:flex;flex-wrap:wrap;gap:6px;margin:0;padding:0;list-style:none}
    .chips li{border:1px solid var(--rule);background:var(--panel);border-radius:3px;padding:6px 8px;font-size:13px;display:flex;gap:8px;align-items:center}
    .score{font:700 40px/1 var(--mono);letter-spacing:-.02em}.score small{font-size:14px;color:var(--ink3);font-weight:400}
    .meter{height:6px;background:var(--rule2);border-radius:3px;overflow:hidden;margin:3px 0 8px}.meter i{display:block;height:100%;background:var(--accent)}
    .kv{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:5px 16px;margin:0;font-size:14px}
    .kv dt{color:var(--ink3);font:12px/1.6 var(--mono);text-transform:uppercase;letter-spacing:.04em}.kv dd{margin:0;font-family:var(--mono)}
    .errtext{background:var(--bad-bg);color:#7f1d1d;border-left:3px solid var(--bad);padding:8px 12px;font:13px/1.5 var(--mono);margin:0 0 6px;overflow-wrap:anywhere;border-radius:0 3px 3px 0}
    .notice{border-left:3px solid var(--accent);background:var(--accent-bg);padding:10px 14px;margin:0 0 16px;border-radius:0 3px 3px 0}
    .notice.bad{border-color:var(--bad);background:var(--bad-bg)}.notice.ok{border-color:var(--ok);background:var(--ok-bg)}
    .prose{max-width:780px}.prose li{margin:3px 0}.prose ol li::marker{font-family:var(--mono);color:var(--ink3)}
    .prose h2{font-size:18px}
    .cols{columns:3 220px;column-gap:24px;padding:0;list-style:none;margin:0 0 16px}.cols li{break-inside:avoid;padding:2px 0}
    .filters{display:flex;flex-wrap:wrap;gap:10px;align-items:end}.filters label{min-width:130px;flex:1 1 130px}
    .pager{display:flex;gap:12px;align-items:center;font:13px var(--mono);margin:8px 0}
    .hero{display:grid;grid-template-columns:minmax(0,1fr);gap:6px;margin:10px 0 6px}
    .hero h1{font-size:32px}
    footer.foot{background:#14161a;color:#a9a69d;padding:28px 0 36px;margin-top:20px;font-size:13px}
    footer.foot .menus{display:grid;grid-template-columns:repeat(5,minmax(0,1fr));gap:18px}
    footer.foot h2{font:700 11px/1 var(--mono);letter-spacing:.12em;color:#f59e0b;border:0;margin:0 0 10px;padding:0}
    footer.foot ul{list-style:none;margin:0;padding:0}footer.foot li{padding:2px 0}
    footer.foot a{color:#d6d3cb}footer.foot .disclosure{margin:22px 0 0;padding-top:14px;border-top:1px solid #2a2d34;max-width:820px}
    footer.foot code{background:#2a2d34;color:#e7e5df}
    @media (max-width:860px){.g3,.g4{grid-template-columns:repeat(2,minmax(0,1fr))}footer.foot .menus{grid-template-columns:repeat(3,minmax(0,1fr))}
    .verdict{grid-template-columns:minmax(0,1fr)}.verdict>div+div{border-left:0;border-top:1px solid var(--rule)}}
    @media (max-width:560px){body{font-size:14.5px}.wrap{padding:0 12px}.bar{gap:12px;min-height:46px}.brand .word{display:none}
    nav.primary{flex-wrap:wrap;overflow:visible;row-gap:0}nav.primary a{padding:9px 6px 7px;font-size:11.5px}.bar{flex-wrap:wrap;padding:4px 0}h1,.hero h1{font-size:23px}.g2,.g3,.g4{grid-template-columns:minmax(0,1fr)}
    .fields{grid-template-columns:repeat(2,minmax(0,1fr))}.fields .wide{grid-column:1/-1}footer.foot .menus{grid-template-columns:repeat(2,minmax(0,1fr))}
    .stats dd{font-size:16px}th,td{padding:5px 7px}.verdict>div{padding:12px 14px}.hide-sm{display:none}
    table.stack-sm thead{display:none}table.stack-sm tr{display:block;padding:6px 0;border-bottom:1px solid var(--rule2)}
    table.stack-sm td{display:block;border:0;white-space:normal;padding:2px 8px}
    table.side-by-side th,table.side-by-side td{white-space:normal;font-size:12.5px;padding:4px 5px;overflow-wrap:anywhere}
    table.side-by-side .tier{white-space:normal}table.side-by-side td.num{white-space:nowrap}
    table.side-by-side tbody th{overflow-wrap:normal;font-size:10.5px;letter-spacing:0}}
    """

    /// Copy buttons on command blocks; the page works the same without it.
    static let script = """
    document.querySelectorAll('pre').forEach(function(p){if(!navigator.clipboard)return;var b=document.createElement('button');b.type='button';b.className='copy';b.textContent='copy';b.addEventListener('click',function(){navigator.clipboard.writeText((p.querySelector('code')||p).innerText).then(function(){b.textContent='copied';setTimeout(function(){b.textContent='copy'},1500)})});p.appendChild(b)});
    """
}
