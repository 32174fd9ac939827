import Foundation

/// Horizontal bars of decode speed (tokens/s) by hardware, with the engine's low–high range as a whisker.
/// Each row: the label above its bar, the expected value at the bar's end.
///
/// ```swift
/// SVGBarChart.svg(title: "Llama 3.1 8B Q4_K_M, 8K", rows: [.init(label: "RTX 4090", value: 128, low: 109, high: 147)])
/// ```
enum SVGBarChart {
    struct Row: Sendable, Hashable {
        var label: String
        var value: Double
        var low: Double?
        var high: Double?
        /// `comfortable`, `tradeoffs` or `wont-run`: colours the bar.
        var tier: String?
        var note: String?
    }

    static func color(_ tier: String?) -> String {
        switch tier {
        case "comfortable": "#34446b"
        case "tradeoffs": "#d97706"
        case "wont-run": "#b91c1c"
        default: "#34446b"
        }
    }

    static func svg(title: String, unit: String = "tok/s", rows: [Row]) -> HTML {
        let rowH = 36.0, top = 6.0, axisH = 20.0
        let height = Int(top + rowH * Double(rows.count) + axisH)
        let maxValue = max(rows.map { max($0.high ?? $0.value, $0.value) }.max() ?? 1, 1) * 1.12
        func x(_ v: Double) -> Double { v / maxValue * 100 }
        var body = HTML()
        let step = SVG.niceStep(maxValue, count: 5)
        var v = 0.0
        let bottom = top + rowH * Double(rows.count)
        while v <= maxValue {
            let xp = x(v)
            body.append(SVG.line(x1: SVG.pct(xp), y1: top, x2: SVG.pct(xp), y2: bottom, stroke: v == 0 ? "#9a968c" : "#ebe9e3"))
            if xp < 95 {
                body.append(SVG.text(SVG.tickLabel(v) + (v == 0 ? " \(unit)" : ""), x: SVG.pct(xp), y: bottom + 14,
                                     anchor: v == 0 ? "start" : "middle", fill: "#7a808b"))
            }
            v += step
        }
        for (i, r) in rows.enumerated() {
            let y = top + rowH * Double(i)
            let barY = y + 16, barH = 12.0
            body.append(SVG.text(r.label + (r.note.map { " · \($0)" } ?? ""), x: "0%", y: y + 12, fill: "#16181d"))
            body.append(HTML.xml("rect", [Attr("x", "0%"), Attr("y", SVG.px(barY)), Attr("width", SVG.pct(x(r.value))),
                                          Attr("height", SVG.px(barH)), Attr("fill", color(r.tier))],
                                 HTML.xml("title", [], HTML(text: "\(r.label): \(Format.tps(r.value)) \(unit)"))))
            if let lo = r.low, let hi = r.high, hi > lo {
                let mid = barY + barH / 2
                body.append(SVG.line(x1: SVG.pct(x(lo)), y1: mid, x2: SVG.pct(x(hi)), y2: mid, stroke: "#14161a", width: 1))
                body.append(SVG.line(x1: SVG.pct(x(lo)), y1: mid - 4, x2: SVG.pct(x(lo)), y2: mid + 4, stroke: "#14161a", width: 1))
                body.append(SVG.line(x1: SVG.pct(x(hi)), y1: mid - 4, x2: SVG.pct(x(hi)), y2: mid + 4, stroke: "#14161a", width: 1))
            }
            let end = x(max(r.high ?? r.value, r.value))
            body.append(SVG.text(Format.tps(r.value), x: SVG.pct(min(end + 1, 99)), y: barY + 10,
                                 anchor: end > 88 ? "end" : "start", fill: "#16181d", weight: "600"))
        }
        return SVG.root(height: height, label: title) { body }
    }
}
