import Foundation

/// Shared pieces of the server-rendered charts. Charts are SVG with percentage x-coordinates and pixel
/// y-coordinates and no `viewBox`, so they stretch to any width while text keeps its size (readable on a
/// 360 px phone). All text goes through ``HTML`` escaping; the output is well-formed XML.
enum SVG {
    static let font = "ui-monospace,SFMono-Regular,Menlo,Consolas,monospace"

    /// `<svg>` root with an accessible name.
    static func root(height: Int, label: String, @HTMLBuilder _ content: () -> HTML) -> HTML {
        HTML.xml("svg", [Attr("xmlns", "http://www.w3.org/2000/svg"), Attr("width", "100%"), Attr("height", String(height)),
                         Attr("role", "img"), Attr("aria-label", label), Attr("font-family", font), Attr("font-size", "11")],
                 HTML.xml("title", [], HTML(text: label)) + content())
    }

    static func pct(_ x: Double) -> String {
        let v = min(100, max(0, x))
        return String(format: "%.3f%%", v)
    }

    static func px(_ y: Double) -> String { String(format: "%.1f", y) }

    static func text(_ s: String, x: String, y: Double, anchor: String = "start", fill: String = "#4a4f59", weight: String? = nil,
                     size: Int? = nil) -> HTML {
        // A halo in the background colour keeps labels readable where they cross lines.
        HTML.xml("text", [Attr("x", x), Attr("y", px(y)), Attr("text-anchor", anchor), Attr("fill", fill),
                          Attr("stroke", "#ffffff"), Attr("stroke-width", "3"), Attr("paint-order", "stroke"), Attr("stroke-linejoin", "round"),
                          weight.map { Attr("font-weight", $0) }, size.map { Attr("font-size", String($0)) }], HTML(text: s))
    }

    static func line(x1: String, y1: Double, x2: String, y2: Double, stroke: String, width: Double = 1, dash: String? = nil) -> HTML {
        HTML.xml("line", [Attr("x1", x1), Attr("y1", px(y1)), Attr("x2", x2), Attr("y2", px(y2)), Attr("stroke", stroke),
                          Attr("stroke-width", String(format: "%.1f", width)), dash.map { Attr("stroke-dasharray", $0) }])
    }

    /// A "nice" tick step so that `maxValue / step` is at most `count`.
    static func niceStep(_ maxValue: Double, count: Int = 6) -> Double {
        guard maxValue > 0 else { return 1 }
        let raw = maxValue / Double(count)
        let mag = pow(10, floor(log10(raw)))
        for m in [1.0, 2, 2.5, 5, 10] where m * mag >= raw { return m * mag }
        return 10 * mag
    }

    static func tickLabel(_ v: Double) -> String {
        v == v.rounded() ? String(format: "%.0f", v) : String(format: "%.1f", v)
    }
}
