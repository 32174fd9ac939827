import Foundation

/// Lines of a value (memory in GiB) against context length, one per series (quantisation); the x axis is
/// logarithmic (contexts double), with optional horizontal reference lines (a card's capacity).
///
/// ```swift
/// SVGLineChart.svg(title: "Memory by context", xs: [4096, 8192, 32768],
///                  series: [.init(label: "Q4_K_M", values: [5.1, 5.6, 8.9], color: "#34446b")],
///                  references: [.init(label: "24 GB card", value: 24)])
/// ```
enum SVGLineChart {
    struct Series: Sendable, Hashable { var label: String; var values: [Double]; var color: String }
    struct Reference: Sendable, Hashable { var label: String; var value: Double }

    static let palette = ["#34446b", "#d97706", "#0f766e", "#8b5cf6", "#b91c1c", "#6b7280", "#0369a1", "#a16207"]

    static func svg(title: String, xs: [Int], series: [Series], references: [Reference] = [], unit: String = "GiB") -> HTML {
        let height = 240.0, top = 14.0, bottom = 26.0
        let plotH = height - top - bottom
        let all = series.flatMap(\.values) + references.map(\.value)
        let maxValue = max(all.max() ?? 1, 1) * 1.08
        func y(_ v: Double) -> Double { top + plotH * (1 - v / maxValue) }
        // x in percent: 2% … 96%, log scale (evenly spaced when contexts double).
        let logs = xs.map { log2(Double(max($0, 1))) }
        let lo = logs.min() ?? 0, hi = logs.max() ?? 1
        func x(_ i: Int) -> Double { hi == lo ? 50 : 3 + (logs[i] - lo) / (hi - lo) * 93 }
        var body = HTML()
        let step = SVG.niceStep(maxValue, count: 5)
        var v = 0.0
        while v <= maxValue {
            body.append(SVG.line(x1: "0%", y1: y(v), x2: "100%", y2: y(v), stroke: v == 0 ? "#9a968c" : "#ebe9e3"))
            body.append(SVG.text(SVG.tickLabel(v) + (v == 0 ? "" : ""), x: "0%", y: y(v) - 3, fill: "#7a808b"))
            v += step
        }
        body.append(SVG.text(unit, x: "0%", y: top - 2, fill: "#7a808b"))
        for (i, c) in xs.enumerated() {
            body.append(SVG.text(Format.context(c), x: SVG.pct(x(i)), y: height - 8, anchor: "middle", fill: "#7a808b"))
        }
        for r in references {
            body.append(SVG.line(x1: "0%", y1: y(r.value), x2: "100%", y2: y(r.value), stroke: "#b91c1c", width: 1.2, dash: "4 3"))
            body.append(SVG.text(r.label, x: "100%", y: y(r.value) - 4, anchor: "end", fill: "#b91c1c"))
        }
        for s in series {
            var g = HTML.xml("title", [], HTML(text: s.label))
            for i in 0..<min(s.values.count, xs.count) {
                if i > 0 {
                    g.append(SVG.line(x1: SVG.pct(x(i - 1)), y1: y(s.values[i - 1]), x2: SVG.pct(x(i)), y2: y(s.values[i]), stroke: s.color, width: 2))
                }
                g.append(HTML.xml("circle", [Attr("cx", SVG.pct(x(i))), Attr("cy", SVG.px(y(s.values[i]))), Attr("r", "3"), Attr("fill", s.color)],
                                  HTML.xml("title", [], HTML(text: "\(s.label) at \(Format.context(xs[i])): \(String(format: "%.1f", s.values[i])) \(unit)"))))
            }
            body.append(HTML.xml("g", [Attr("class", "series")], g))
        }
        return SVG.root(height: Int(height), label: title) { body }
    }

    static func legend(_ series: [Series]) -> HTML {
        ul(.class("legend")) {
            for s in series { li { HTML.element("i", [Attr("style", "background:\(s.color)")]); s.label } }
        }
    }
}
