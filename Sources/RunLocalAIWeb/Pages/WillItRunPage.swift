import Foundation
import Hummingbird
import RunLocalAICore

/// `/will-it-run?model=&quant=&hardware=&ctx=&images=&runtime=&kv=&fa=&ram=`: the engine's answer, with the
/// whole state in the URL (every "what if" is a link).
struct WillItRunState: Sendable, Hashable {
    var model: String?
    var quant: String = "Q4_K_M"
    var hardware: String?
    var ctx: Int = 4096
    var images: Int = 0
    var runtime: String?
    var kv: String?
    var fa: Bool?
    var ram: Double?

    struct Invalid: Error { var message: String; var field: String }

    init(model: String? = nil, quant: String = "Q4_K_M", hardware: String? = nil, ctx: Int = 4096, images: Int = 0) {
        self.model = model; self.quant = quant; self.hardware = hardware; self.ctx = ctx; self.images = images
    }

    /// Reads the query; malformed numbers and flags throw ``Invalid`` (a 400), names are left to the engine.
    init(_ p: Params) throws {
        model = p["model"]
        hardware = p["hardware"]
        if let q = p["quant"] { quant = q }
        if let c = p["ctx"] {
            guard let v = WillItRunState.parseContext(c) else {
                throw Invalid(message: "context '\(c)' is not a number of tokens; give e.g. 4096 or 32K", field: "ctx")
            }
            ctx = v
        }
        if let i = p["images"] {
            guard let v = Int(i), v >= 0, v <= 256 else { throw Invalid(message: "images '\(i)' must be a whole number from 0 to 256", field: "images") }
            images = v
        }
        runtime = p["runtime"]
        if let k = p["kv"] { kv = k.lowercased() }
        if let f = p["fa"]?.lowercased() {
            switch f {
            case "on", "1", "true", "yes": fa = true
            case "off", "0", "false", "no": fa = false
            case "auto": fa = nil
            default: throw Invalid(message: "fa '\(f)' must be on, off or auto", field: "fa")
            }
        }
        if let r = p["ram"] {
            guard let v = Double(r.lowercased().replacingOccurrences(of: "gb", with: "").trimmingCharacters(in: .whitespaces)),
                  v > 0, v <= 65_536 else {
                throw Invalid(message: "RAM '\(r)' must be a number of GB from 1 to 65536", field: "ram")
            }
            ram = v
        }
    }

    static func parseContext(_ s: String) -> Int? {
        let t = s.lowercased().replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "_", with: "")
        if let v = Int(t) { return v > 0 && v <= 16_777_216 ? v : nil }
        if t.hasSuffix("k"), let v = Int(t.dropLast()) { return v > 0 && v <= 16384 ? v * 1024 : nil }
        if t.hasSuffix("m"), let v = Int(t.dropLast()) { return v > 0 && v <= 16 ? v * 1_048_576 : nil }
        return nil
    }

    var isComplete: Bool { model != nil && hardware != nil }

    var query: WillItRunQuery {
        WillItRunQuery(model: model ?? "", quant: quant, hardware: hardware ?? "", context: ctx, images: images, kvType: kv,
                       flashAttention: fa, runtime: runtime, hostRAMGiB: ram)
    }

    var items: [(String, String?)] {
        [("model", model), ("quant", quant), ("hardware", hardware), ("ctx", String(ctx)), ("images", images > 0 ? String(images) : nil),
         ("runtime", runtime), ("kv", kv), ("fa", fa.map { $0 ? "on" : "off" }), ("ram", ram.map { Format.number($0, digits: $0 == $0.rounded() ? 0 : 1) })]
    }

    var url: String { URLs.build("/will-it-run", items) }

    func with(_ change: (inout WillItRunState) -> Void) -> WillItRunState { var s = self; change(&s); return s }
}

enum WillItRunPage {
    static func render(_ params: Params, engine: PageEngine) async -> HTMLResponse {
        let state: WillItRunState
        do { state = try WillItRunState(params) } catch let e as WillItRunState.Invalid {
            return invalid(WillItRunState(model: params["model"], hardware: params["hardware"]), message: e.message, suggestions: [], engine: engine)
        } catch { return invalid(WillItRunState(), message: "\(error)", suggestions: [], engine: engine) }

        guard state.isComplete else {
            return Layout.page(title: "Will it run?", description: "Will this model run on my hardware, and how fast?", path: "/will-it-run",
                               crumbs: [("Will it run?", nil)]) {
                h1 { "Will it run?" }
                p(.class("lede")) {
                    "Pick a model, a quantisation and your hardware. The answer is the memory llama.cpp will allocate on each device, "
                    "where the layers go, decode and prefill speed with an honest range, and the commands that reproduce it."
                }
                form(engine, state)
                examples(engine)
            }
        }
        let answer: WillItRunAnswer
        do { answer = try await engine.answer(state.query) } catch {
            let links = UI.suggestions(error).map { s -> (String, String) in
                let fixed = state.with { st in
                    switch error {
                    case CatalogError.notFound(let kind, _, _), CatalogError.ambiguous(let kind, _, _):
                        switch kind {
                        case "model": st.model = s
                        case "hardware": st.hardware = s
                        case "quantisation": st.quant = s
                        case "runtime": st.runtime = s
                        default: break
                        }
                    default: break
                    }
                }
                return (s, fixed.url)
            }
            return invalid(state, message: UI.message(error), suggestions: links, engine: engine)
        }
        return page(state, answer, whatIf: await whatIf(state, answer, engine: engine), engine: engine)
    }

    static func invalid(_ state: WillItRunState, message: String, suggestions: [(String, String)], engine: PageEngine) -> HTMLResponse {
        Layout.page(title: "Will it run? — check the question", path: "/will-it-run", crumbs: [("Will it run?", "/will-it-run"), ("Check the question", nil)],
                    status: .badRequest) {
            h1 { "Will it run?" }
            div(.class("notice bad")) { p { strong { "Can't answer that: " }; message } }
            if !suggestions.isEmpty {
                p(.class("kicker")) { "Did you mean" }
                ul(.class("whatif")) { for (label, href) in suggestions { li { a(href: href) { label } } } }
            }
            form(engine, state)
        }
    }

    // MARK: The answer

    static func page(_ st: WillItRunState, _ ans: WillItRunAnswer, whatIf: HTML, engine: PageEngine) -> HTMLResponse {
        let title = "\(ans.model.name) \(ans.quant) on \(ans.hardware.name)"
        let gpuDevices = ans.devices.filter { $0.kind != "host" }
        let host = ans.devices.first { $0.kind == "host" }
        let showHost = gpuDevices.isEmpty || (host?.total_bytes ?? 0) > 0 && ans.fit.placement != "gpu"
        let wontRun = ans.fit.tier == "wont-run"
        return Layout.page(title: title, description: "\(FitTierLabel.label(ans.fit.tier)): \(title) at \(Format.context(ans.context)) context.",
                           path: "/will-it-run", crumbs: [("Will it run?", "/will-it-run"), (title, nil)]) {
            div(.class("verdict \(ans.fit.tier)")) {
                div {
                    p(.class("kicker")) { "Verdict · \(Format.context(ans.context)) context" + (ans.images > 0 ? " · \(ans.images) image(s)" : "") }
                    h1(.class("big")) { title }
                    p { UI.tier(ans.fit.tier); " "; span(.class("muted small")) { placementText(ans) } }
                    if !ans.fit.notes.isEmpty {
                        ul(.class("notes")) { for n in ans.fit.notes { li { Markdown.inline(n) } } }
                    }
                }
                div {
                    dl(.class("stats")) {
                        div { dt { "Decode" }; dd { wontRun ? HTML("—") : UI.speed(ans.speed.decode_tps) } }
                        div { dt { "Prefill" }; dd { wontRun ? HTML("—") : UI.speed(ans.speed.prefill_tps) } }
                        div { dt { "Memory" }; dd { Format.bytes(ans.memory.total_bytes); small { " total" } } }
                        div { dt { "GPU layers" }; dd { "\(ans.fit.gpu_layers)"; small { " of \(ans.fit.total_layers)" } } }
                        div { dt { ans.fit.headroom_bytes >= 0 ? "Headroom" : "Short by" }
                              dd { Format.bytes(abs(ans.fit.headroom_bytes)); small { " on the tightest device" } } }
                        div { dt { "Evidence" }; dd { UI.evidence(ans.speed.evidence) } }
                    }
                    if !wontRun, let own = ans.speed.estimate {
                        p(.class("small muted")) {
                            "\(ans.speed.evidence_basis ?? ans.speed.evidence). The engine alone estimates \(Format.tps(own.decode_tps.expected)) tok/s decode "
                            "(\(Format.tps(own.decode_tps.low))–\(Format.tps(own.decode_tps.high))) and \(Format.tps(own.prefill_tps.expected)) tok/s prefill."
                        }
                    }
                }
            }
            whatIf
            h2 { "Memory by device" }
            p(.class("small muted")) {
                "What llama.cpp allocates on each device, component by component, against the memory it can use "
                "(the dashed line: capacity less what the driver and OS keep). KV cache: \(ans.kv_type), flash attention \(ans.flash_attention ? "on" : "off")"
                (ans.image_tokens > 0 ? "; \(ans.image_tokens) image tokens." : ".")
            }
            for d in gpuDevices + (showHost ? [host!] : []) {
                let bar = SVGMemoryBar.input(device: d)
                div(.class("chart")) {
                    p(.class("small")) {
                        strong { d.kind == "host" ? "System RAM" : d.name }
                        span(.class("muted")) { " · \(d.kind == "host" ? "host" : d.kind.uppercased()) · \(d.layers) layer\(d.layers == 1 ? "" : "s") · " }
                        span(.class(d.total_bytes > d.usable_bytes ? "mono over" : "mono")) { "\(Format.bytes(d.total_bytes)) used" }
                    }
                    SVGMemoryBar.svg(bar)
                    SVGMemoryBar.legend(bar)
                }
            }
            if !ans.commands.isEmpty {
                h2 { "Run it" }
                p(.class("small muted")) { "The same context, GPU layers, cache types and flash-attention setting as the estimate." }
                UI.commands(ans.commands)
            }
            h2 { "Change the question" }
            form(engine, st)
            p(.class("small muted")) {
                (ans.speed.evidence_basis.map { "Speed: \($0)" + (ans.speed.needs_review == true ? " (runs disagree by more than 20%: flagged for review)" : "") + ". " }
                    ?? "Figures are the engine's estimate (evidence: \(ans.speed.evidence)). ") + "See the "
                a(href: "/methodology") { "methodology" }
                " for the equations, the calibration error and what the range means. Same answer as "
                code { "runlocalai will-it-run" }
                " and "
                a(href: URLs.build("/api/v1/will-it-run", st.items)) { "the API" }
                "."
            }
        }
    }

    static func placementText(_ a: WillItRunAnswer) -> String {
        switch a.fit.placement {
        case "gpu": return "all \(a.fit.total_layers) layers on the GPU" + (a.devices.count > 2 ? "s" : "")
        case "partial": return "\(a.fit.gpu_layers) of \(a.fit.total_layers) layers on the GPU, the rest in system RAM"
        case "cpu": return "runs on the CPU from system RAM"
        default: return "does not fit in memory"
        }
    }

    /// "What if" links, each with its own answer (verdict and speed, evidence applied like the main answer's).
    static func whatIf(_ st: WillItRunState, _ ans: WillItRunAnswer, engine: PageEngine) async -> HTML {
        var options: [(label: String, state: WillItRunState)] = []
        if let q = PageEngine.nextQuantDown(ans.quant) { options.append(("\(q) instead of \(ans.quant)", st.with { $0.quant = q })) }
        let half = st.ctx / 2
        if half >= 512, half > ans.image_tokens + 256 { options.append(("\(Format.context(half)) context", st.with { $0.ctx = half })) }
        if ans.kv_type == "f16" { options.append(("q8_0 KV cache", st.with { $0.kv = "q8_0"; $0.fa = true })) }
        if let sel = try? engine.catalog.hardware(named: st.hardware ?? ""), let up = engine.nextDeviceUp(from: sel) {
            options.append((up.label, st.with { $0.hardware = up.query }))
        }
        if ans.fit.tier != "comfortable", let q = PageEngine.nextQuantDown(ans.quant).flatMap(PageEngine.nextQuantDown) {
            options.append(("\(q)", st.with { $0.quant = q }))
        }
        let alternatives = await engine.answers(options.map(\.state.query))
        return HTML {
            p(.class("kicker")) { "What if" }
            ul(.class("whatif")) {
                for (o, alt) in zip(options, alternatives) {
                    li {
                        a(href: o.state.url) {
                            b { o.label }
                            if let alt {
                                " → \(FitTierLabel.short(alt.fit.tier))"
                                if alt.fit.tier != "wont-run" { ", \(Format.tps(alt.speed.decode_tps.expected)) tok/s" }
                            }
                        }
                    }
                }
            }
        }
    }

    // MARK: The form

    static func form(_ engine: PageEngine, _ st: WillItRunState) -> HTML {
        HTML.element("form", [.class("q"), Attr("method", "get"), Attr("action", "/will-it-run")], HTML {
            div(.class("fields")) {
                label(.class("wide")) { "Model"; input(.name("model"), .type("text"), Attr("list", "dl-models"), .value(st.model ?? ""),
                                                       Attr("placeholder", "llama 3.1 8b"), Attr("required", nil), Attr("autocomplete", "off")) }
                label { "Quantisation"
                    selectElement(.name("quant")) {
                        for q in PageEngine.quantLadder + ["MXFP4", "BF16"] { UI.opt(q, q, selected: QuantMix(name: st.quant)?.name == q) }
                        if QuantMix(name: st.quant).map({ !(PageEngine.quantLadder + ["MXFP4", "BF16"]).contains($0.name) }) ?? true {
                            UI.opt(st.quant, st.quant, selected: true)
                        }
                    }
                }
                label(.class("wide")) { "Hardware"; input(.name("hardware"), .type("text"), Attr("list", "dl-hardware"), .value(st.hardware ?? ""),
                                                          Attr("placeholder", "RTX 3060 12GB, 2x RTX 3090, M2 Max 64GB"), Attr("required", nil),
                                                          Attr("autocomplete", "off")) }
                label { "Context"
                    selectElement(.name("ctx")) {
                        for c in PageEngine.contexts { UI.opt(String(c), Format.context(c), selected: st.ctx == c) }
                        if !PageEngine.contexts.contains(st.ctx) { UI.opt(String(st.ctx), String(st.ctx), selected: true) }
                    }
                }
                label { "Images"; input(.name("images"), .type("number"), Attr("min", "0"), Attr("max", "256"), .value(String(st.images))) }
                label { "Runtime"
                    selectElement(.name("runtime")) {
                        UI.opt("", "llama.cpp (default)", selected: st.runtime == nil)
                        for k in Runtime.Kind.allCases where k != .llamaCpp { UI.opt(k.rawValue, k.rawValue, selected: st.runtime == k.rawValue) }
                    }
                }
                label { "KV cache"
                    selectElement(.name("kv")) {
                        UI.opt("", "f16 (default)", selected: st.kv == nil)
                        for k in ["q8_0", "q4_0"] { UI.opt(k, k, selected: st.kv == k) }
                    }
                }
                label { "Flash attention"
                    selectElement(.name("fa")) {
                        UI.opt("", "auto", selected: st.fa == nil)
                        UI.opt("on", "on", selected: st.fa == true)
                        UI.opt("off", "off", selected: st.fa == false)
                    }
                }
                label { "System RAM (GB)"; input(.name("ram"), .type("number"), Attr("min", "1"), Attr("step", "any"),
                                                 .value(st.ram.map { Format.number($0, digits: $0 == $0.rounded() ? 0 : 1) } ?? ""),
                                                 Attr("placeholder", "32")) }
                div { button(.type("submit")) { "Will it run?" } }
            }
            datalists(engine)
        })
    }

    static func datalists(_ engine: PageEngine) -> HTML {
        HTML {
            HTML.element("datalist", [.id("dl-models")], HTML {
                for m in engine.catalog.models { HTML.void("option", [.value(m.id), Attr("label", m.name)]) }
            })
            HTML.element("datalist", [.id("dl-hardware")], HTML {
                for h in engine.catalog.hardware { HTML.void("option", [.value(h.id), Attr("label", h.displayName)]) }
            })
        }
    }

    static let exampleQuestions: [WillItRunState] = [
        WillItRunState(model: "llama-3.1-8b", hardware: "rtx-3060-12gb", ctx: 8192),
        WillItRunState(model: "llama-3.3-70b", hardware: "2x rtx-3090", ctx: 8192),
        WillItRunState(model: "qwen3-30b-a3b", hardware: "apple-m4-max 64GB", ctx: 32768),
        WillItRunState(model: "llava-1.6-mistral-7b", hardware: "rtx-3060-12gb", ctx: 4096, images: 1),
        WillItRunState(model: "gpt-oss-20b", quant: "MXFP4", hardware: "rtx-4060-ti-16gb", ctx: 16384),
    ]

    static func examples(_ engine: PageEngine) -> HTML {
        HTML {
            h2 { "Examples" }
            ul(.class("whatif")) {
                for ex in exampleQuestions {
                    if let ans = try? engine.estimate(ex.query) {
                        li { a(href: ex.url) { b { ans.model.name }; " on \(ans.hardware.name) → \(FitTierLabel.short(ans.fit.tier))" } }
                    }
                }
            }
        }
    }
}

enum FitTierLabel {
    static func label(_ tier: String) -> String {
        switch tier {
        case "comfortable": FitTier.comfortable.label
        case "tradeoffs": FitTier.tradeoffs.label
        case "wont-run": FitTier.wontRun.label
        default: tier
        }
    }
    static func short(_ tier: String) -> String {
        switch tier {
        case "comfortable": "comfortable"
        case "tradeoffs": "with tradeoffs"
        case "wont-run": "won't run"
        default: tier
        }
    }
}
