import Foundation
import RunLocalAICore

/// A stacked bar of one device's memory (weights, repack, vision, KV cache, compute, overhead) against its
/// capacity, with the capacity and the usable limit marked.
///
/// ```swift
/// let bar = SVGMemoryBar.Input(device: answer.devices[0])
/// SVGMemoryBar.svg(bar)        // <svg …>
/// SVGMemoryBar.legend(bar)     // <ul class="legend">…
/// ```
enum SVGMemoryBar {
    struct Segment: Sendable, Hashable { var key: String; var label: String; var bytes: UInt64; var color: String }

    struct Input: Sendable, Hashable {
        var title: String
        var capacity: UInt64
        var usable: UInt64
        var segments: [Segment]
        /// The load-time peak when it is above what stays resident (a CPU repack's file pages): a marker, never the bar.
        var peak: UInt64 = 0
        /// What stays resident: the bar, and what decides "over the usable limit".
        var total: UInt64 { segments.reduce(0) { $0 + $1.bytes } }
    }

    /// The components in the order llama.cpp allocates them, with their colours.
    static let components: [(key: String, label: String, color: String)] = [
        ("weights", "weights", "#34446b"), ("repack", "repack", "#7d8fb8"), ("vision", "vision", "#8b5cf6"),
        ("kv", "KV cache", "#d97706"), ("compute", "compute", "#0f766e"), ("overhead", "overhead", "#9ca3af"),
    ]

    static func segments(weights: UInt64, repack: UInt64, vision: UInt64, kv: UInt64, compute: UInt64, overhead: UInt64) -> [Segment] {
        let values = [weights, repack, vision, kv, compute, overhead]
        return zip(components, values).map { Segment(key: $0.key, label: $0.label, bytes: $1, color: $0.color) }
    }

    /// A device's bar: what stays resident (the repacked copy is in `weights`' place; the file pages it replaced
    /// are dropped once loaded), with the load-time peak as a marker.
    static func input(device d: WillItRunAnswer.Device) -> Input {
        let needed = d.needed_bytes ?? d.total_bytes
        let replaced = d.total_bytes - needed
        return Input(title: d.name, capacity: d.capacity_bytes, usable: d.usable_bytes,
                     segments: segments(weights: d.weights_bytes, repack: d.repack_bytes - min(d.repack_bytes, replaced), vision: d.vision_bytes,
                                        kv: d.kv_cache_bytes, compute: d.compute_bytes, overhead: d.overhead_bytes),
                     peak: replaced > 0 ? d.total_bytes : 0)
    }

    static func svg(_ bar: Input) -> HTML {
        let gib = Format.gib
        let scaleMax = Double(max(bar.capacity, bar.total, bar.peak, 1)) * 1.06
        func x(_ bytes: Double) -> Double { bytes / scaleMax * 100 }
        let barY = 22.0, barH = 26.0, height = 70
        let over = bar.total > bar.usable
        let label = "\(bar.title): \(Format.bytes(bar.total)) of \(Format.bytes(bar.capacity))" + (over ? " (over the usable limit)" : "")
        var body = HTML()
        // Track, then the segments in allocation order.
        body.append(HTML.xml("rect", [Attr("x", "0%"), Attr("y", SVG.px(barY)), Attr("width", SVG.pct(x(Double(bar.capacity)))),
                                      Attr("height", SVG.px(barH)), Attr("fill", "#efede7")]))
        var offset = 0.0
        for s in bar.segments where s.bytes > 0 {
            body.append(HTML.xml("rect", [Attr("x", SVG.pct(x(offset))), Attr("y", SVG.px(barY)), Attr("width", SVG.pct(x(Double(s.bytes)))),
                                          Attr("height", SVG.px(barH)), Attr("fill", s.color), Attr("class", "seg-\(s.key)")],
                                 HTML.xml("title", [], HTML(text: "\(s.label): \(Format.bytes(s.bytes))"))))
            offset += Double(s.bytes)
        }
        // Ticks in GiB.
        let step = SVG.niceStep(scaleMax / gib, count: 5)
        var v = 0.0
        while v <= scaleMax / gib + 1e-9 {
            let xp = x(v * gib)
            body.append(SVG.line(x1: SVG.pct(xp), y1: barY + barH, x2: SVG.pct(xp), y2: barY + barH + 4, stroke: "#9a968c"))
            if xp < 96 {
                body.append(SVG.text(SVG.tickLabel(v) + (v == 0 ? " GiB" : ""), x: SVG.pct(xp), y: barY + barH + 16,
                                     anchor: v == 0 ? "start" : "middle", fill: "#7a808b"))
            }
            v += step
        }
        // The load-time peak (dotted): labelled, never counted against the limit.
        if bar.peak > bar.total {
            let px = x(Double(bar.peak))
            body.append(SVG.line(x1: SVG.pct(px), y1: barY + 4, x2: SVG.pct(px), y2: barY + barH - 4, stroke: "#6b7280", width: 1.5, dash: "1 2"))
            body.append(HTML.xml("title", [], HTML(text: "load-time peak \(Format.bytes(bar.peak))")))
        }
        // The usable limit (dashed) and the capacity (solid).
        let ux = x(Double(bar.usable)), cx = x(Double(bar.capacity))
        body.append(SVG.line(x1: SVG.pct(ux), y1: barY - 6, x2: SVG.pct(ux), y2: barY + barH + 2, stroke: "#b91c1c", width: 1.5, dash: "3 2"))
        body.append(SVG.line(x1: SVG.pct(cx), y1: barY - 6, x2: SVG.pct(cx), y2: barY + barH + 2, stroke: "#14161a", width: 2))
        if cx - ux > 30 {
            body.append(SVG.text("usable \(Format.bytes(bar.usable))", x: SVG.pct(ux), y: barY - 9, anchor: ux > 50 ? "end" : "start", fill: "#b91c1c"))
            body.append(SVG.text("capacity \(Format.bytes(bar.capacity))", x: SVG.pct(cx), y: barY - 9, anchor: "end", fill: "#14161a"))
        } else {
            body.append(SVG.text("usable \(Format.gibNumber(bar.usable, digits: 1)) · capacity \(Format.bytes(bar.capacity))", x: SVG.pct(cx), y: barY - 9,
                                 anchor: cx > 50 ? "end" : "start", fill: "#14161a"))
        }
        return SVG.root(height: height, label: label) { body }
    }

    /// The legend with every component's size (components of zero bytes left out).
    static func legend(_ bar: Input) -> HTML {
        ul(.class("legend")) {
            for s in bar.segments where s.bytes > 0 {
                li {
                    HTML.element("i", [Attr("style", "background:\(s.color)")])
                    "\(s.label) \(Format.bytes(s.bytes))"
                }
            }
            li { HTML.raw("<i style=\"background:none;border-top:2px solid #14161a;height:0;border-radius:0\"></i>"); "capacity" }
            li { HTML.raw("<i style=\"background:none;border-top:2px dashed #b91c1c;height:0;border-radius:0\"></i>"); "usable" }
            if bar.peak > bar.total { li { "load-time peak \(Format.bytes(bar.peak)) (file pages, dropped once loaded)" } }
        }
    }
}
