import Foundation
import Testing
import RunLocalAIApp
@testable import RunLocalAIWeb
#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite("Pages: HTML builder, Markdown, SVG")
struct PagesHTMLTests {
    @Test func textAndAttributesAreEscaped() {
        let evil = "<script>alert(\"x\")</script>&'"
        let html = div(.class(evil), Attr("data-x", evil)) { evil; span { evil } }
        #expect(!html.markup.contains("<script>"))
        #expect(html.markup.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"))
        #expect(html.markup.hasPrefix("<div class=\"&lt;script&gt;"))
        let literal: HTML = "<b>"
        #expect(literal.markup == "&lt;b&gt;")
        #expect(HTML.raw("<b>").markup == "<b>")
    }

    @Test func builderControlFlow() {
        let items = ["a", "b"]
        let flag = true
        let html = ul {
            for i in items { li { i } }
            if flag { li { "yes" } } else { li { "no" } }
        }
        #expect(html.markup == "<ul><li>a</li><li>b</li><li>yes</li></ul>")
        #expect(input(.name("q"), Attr.flag("required", true), Attr.flag("disabled", false)).markup == "<input name=\"q\" required>")
    }

    @Test func markdownSubset() {
        let md = """
        ## Fix
        Run **this** and *that*, with `code <x>` and [a link](/errors/x) and [bad](javascript:alert(1)).

        1. First step:
           ```bash
           llama-server -c 8192 -ngl 99
           ```
        2. Second `step`.

        - item one
        - item <two>

        | a | b |
        |---|---|
        | 1 | <i>x</i> |

        <script>alert(1)</script>
        """
        let html = Markdown.render(md).markup
        #expect(html.contains("<h2 id=\"fix\">Fix</h2>"))
        #expect(html.contains("<strong>this</strong>"))
        #expect(html.contains("<em>that</em>"))
        #expect(html.contains("<code>code &lt;x&gt;</code>"))
        #expect(html.contains("<a href=\"/errors/x\">a link</a>"))
        #expect(!html.contains("href=\"javascript"))
        #expect(html.contains("<ol><li>First step:<pre><code class=\"language-bash\">llama-server -c 8192 -ngl 99</code></pre></li><li>Second <code>step</code>.</li></ol>"))
        #expect(html.contains("<li>item &lt;two&gt;</li>"))
        #expect(html.contains("<table>"))
        #expect(html.contains("&lt;i&gt;x&lt;/i&gt;"))
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains("<i>"))
    }

    @Test func memoryBarIsWellFormedAndLabelled() {
        let bar = SVGMemoryBar.Input(title: "GPU <\"evil\"> & co", capacity: 12 << 30, usable: 11 << 30,
                                     segments: SVGMemoryBar.segments(weights: 4 << 30, repack: 0, vision: 600 << 20, kv: 1 << 30,
                                                                     compute: 300 << 20, overhead: 200 << 20))
        let svg = SVGMemoryBar.svg(bar).markup
        #expect(PagesFixture.isWellFormedXML(svg))
        #expect(svg.contains("GPU &lt;&quot;evil&quot;&gt; &amp; co"))
        #expect(!svg.contains("<\"evil\">"))
        for label in ["weights", "vision", "KV cache", "compute", "overhead", "usable", "capacity"] { #expect(svg.contains(label)) }
        #expect(!svg.contains("repack:"))   // zero-byte components are left out
        let legend = SVGMemoryBar.legend(bar).markup
        #expect(legend.contains("KV cache 1.00 GiB"))
    }

    @Test func barAndLineChartsAreWellFormed() {
        let bars = SVGBarChart.svg(title: "t <x>", rows: [.init(label: "RTX <3090>", value: 112.4, low: 95, high: 130, tier: "comfortable"),
                                                          .init(label: "M2 & co", value: 40, low: nil, high: nil, tier: "tradeoffs")]).markup
        #expect(PagesFixture.isWellFormedXML(bars))
        #expect(bars.contains("RTX &lt;3090&gt;"))
        #expect(bars.contains(">112<"))
        let lines = SVGLineChart.svg(title: "mem", xs: [4096, 8192, 32768],
                                     series: [.init(label: "Q4_K_M <q>", values: [5.1, 5.6, 8.9], color: "#000")],
                                     references: [.init(label: "24 GB \"card\"", value: 22)]).markup
        #expect(PagesFixture.isWellFormedXML(lines))
        #expect(lines.contains("Q4_K_M &lt;q&gt;"))
        #expect(lines.contains("32K"))
        #expect(lines.contains("24 GB &quot;card&quot;"))
    }

    @Test func queryParsing() {
        let p = Params(query: "model=llama+3.1%208b&gpu=a&gpu=b&empty=&x=%3Cscript%3E")
        #expect(p["model"] == "llama 3.1 8b")
        #expect(p.all("gpu") == ["a", "b"])
        #expect(p["empty"] == nil)
        #expect(p["x"] == "<script>")
        #expect(URLs.build("/w", [("model", "a b&c"), ("quant", nil)]) == "/w?model=a%20b%26c")
        #expect(Question.contextParameter("32K") == 32768)
        #expect(Question.contextParameter("abc") == nil)
    }
}
