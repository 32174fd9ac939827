import Foundation
import Hummingbird
import RunLocalAIApp
import RunLocalAICore

/// The will-it-run form's fields as typed (strings only here, at the HTML wire): filled from a parsed question, or
/// from the raw parameters when they could not be parsed (so the user sees what they typed).
struct QuestionForm: Sendable {
    var model = "", quant = "", hardware = "", ctx = String(Question.defaultContext), images = "0"
    var runtime = "", kv = "", fa = "", ram = "", backend = ""

    init() {}

    init(_ q: Question) {
        model = q.model; quant = q.quantStated ? q.quant.name : ""; hardware = q.hardware.text; ctx = String(q.context); images = String(q.images)
        runtime = q.runtime == .llamaCpp ? "" : q.runtime.rawValue; kv = q.kvType?.name.lowercased() ?? ""
        fa = q.flashAttention == .auto ? "" : q.flashAttention.rawValue; ram = q.hostRAMGiB.map(QueryString.number) ?? ""
        backend = q.backend?.rawValue ?? ""
    }

    init(_ p: Params) {
        model = p["model"] ?? ""; quant = p["quant"] ?? ""; hardware = p["hardware"] ?? ""
        ctx = p["ctx"] ?? String(Question.defaultContext); images = p["images"] ?? "0"; runtime = p["runtime"] ?? ""
        kv = p["kv"] ?? ""; fa = p["fa"] ?? ""; ram = p["ram"] ?? ""; backend = p["backend"] ?? ""
    }

    /// The same fields as a link (for "did you mean" fixes of one field).
    func url(replacing field: Question.Field, with value: String) -> String {
        var items: [(String, String?)] = [("model", model), ("quant", quant), ("hardware", hardware), ("ctx", ctx), ("images", images == "0" ? nil : images),
                                          ("runtime", runtime), ("kv", kv), ("fa", fa), ("ram", ram), ("backend", backend)]
        if let i = items.firstIndex(where: { $0.0 == field.rawValue }) { items[i].1 = value }
        return URLs.build("/will-it-run", items.map { ($0.0, $0.1?.isEmpty == true ? nil : $0.1) })
    }
}

enum WillItRunPage {
    /// `/will-it-run?model=&quant=&hardware=&ctx=&images=&runtime=&kv=&fa=&ram=&ngl=`: the question is parsed by the
    /// one grammar (`Question.parse`), answered by the service; the whole state lives in the URL.
    /// (`client` is worked out only for a model read from a URL.)
    static func render(_ params: Params, engine: PageEngine, client: @autoclosure () -> String = "local") async -> HTMLResponse {
        guard params["model"] != nil, params["hardware"] != nil else {
            return Layout.page(title: "Will it run?", description: "Will this model run on my hardware, and how fast?", path: "/will-it-run",
                               crumbs: [("Will it run?", nil)]) {
                h1 { "Will it run?" }
                p(.class("lede")) {
                    "Pick a model, a quantisation and your hardware. The answer is the memory llama.cpp will allocate on each device, "
                    "where the layers go, decode and prefill speed with an honest range, and the commands that reproduce it."
                }
                form(engine, QuestionForm(params))
                examples(engine)
            }
        }
        let question: Question
        do { question = try Question.parse(params.pairs) } catch {
            let form = QuestionForm(params)
            let links = error.suggestions.map { s in (s, form.url(replacing: error.field ?? .model, with: s)) }
            return invalid(form, message: error.message, suggestions: links, engine: engine)
        }
        let answer: Answer
        do { answer = try await engine.service.answer(question, client: client()) } catch {
            let form = QuestionForm(question)
            let field: Question.Field? = {
                switch error {
                case CatalogError.notFound(let kind, _, _), CatalogError.ambiguous(let kind, _, _):
                    return kind == "model" ? .model : kind == "hardware" ? .hardware : kind == "quantisation" ? .quant : kind == "runtime" ? .runtime : nil
                default: return nil
                }
            }()
            let links = field.map { f in UI.suggestions(error).map { s in (s, form.url(replacing: f, with: s)) } } ?? []
            return invalid(form, message: UI.message(error), suggestions: links, engine: engine)
        }
        return page(answer, asked: question, whatIf: await whatIf(answer, engine: engine), engine: engine)
    }

    static func invalid(_ form: QuestionForm, message: String, suggestions: [(String, String)], engine: PageEngine) -> HTMLResponse {
        Layout.page(title: "Will it run? — check the question", path: "/will-it-run", crumbs: [("Will it run?", "/will-it-run"), ("Check the question", nil)],
                    status: .badRequest) {
            h1 { "Will it run?" }
            div(.class("notice bad")) { p { strong { "Can't answer that: " }; message } }
            if !suggestions.isEmpty {
                p(.class("kicker")) { "Did you mean" }
                ul(.class("whatif")) { for (label, href) in suggestions { li { a(href: href) { label } } } }
            }
            self.form(engine, form)
        }
    }

    // MARK: The answer

    /// `asked` fills the form ("auto" stays auto); the answer's own question is the resolved one.
    static func page(_ ans: Answer, asked: Question? = nil, whatIf: HTML, engine: PageEngine) -> HTMLResponse {
        let w = ans.wire
        let title = "\(w.model.name) \(w.quant) on \(w.hardware.name)"
        let gpuDevices = w.devices.filter { $0.kind != "host" }
        let host = w.devices.first { $0.kind == "host" }
        let showHost = gpuDevices.isEmpty || (host?.total_bytes ?? 0) > 0 && ans.placement != .gpu
        return Layout.page(title: title, description: "\(ans.tier.label): \(title) at \(Format.context(w.context)) context.",
                           path: "/will-it-run", crumbs: [("Will it run?", "/will-it-run"), (title, nil)]) {
            div(.class("verdict \(ans.tier.rawValue)")) {
                div {
                    p(.class("kicker")) { "Verdict · \(Format.context(w.context)) context" + (w.images > 0 ? " · \(w.images) image(s)" : "")
                        + (ans.question.runtime != .llamaCpp ? " · \(ans.question.runtime.rawValue)" : "") }
                    h1(.class("big")) { title }
                    if let file = w.model_file {
                        p(.class("small muted file-source")) {
                            "From the file's header: "; code { file.url }
                            if let mmproj = file.mmproj_url { " with its vision projector "; code { mmproj } }
                            " — every tensor as stored, read with range requests (no download)."
                        }
                    }
                    p { UI.tier(ans.tier); " "; span(.class("muted small")) { placementText(ans) } }
                    UI.figures(ans)
                    if !w.fit.notes.isEmpty {
                        ul(.class("notes")) { for n in w.fit.notes { li { Markdown.inline(n) } } }
                    }
                    if let alts = w.hardware.alternatives, !alts.isEmpty {
                        p(.class("small")) {
                            "Also plan it on: "
                            HTML.join(alts.compactMap { id in engine.catalog.device(id: id) }.map { d in
                                a(href: ans.question.with { $0.hardware = .named(d.id + (ans.selection?.memoryGiB).map { " \(Int($0))GB" }.orEmpty) }.url()) { d.displayName }
                            }, separator: " · ")
                        }
                    }
                }
                div {
                    dl(.class("stats")) {
                        div { dt { "Decode" }; dd { ans.runs ? UI.speed(ans.decode) : HTML("—") } }
                        div { dt { "Prefill" }; dd { ans.runs ? UI.speed(ans.prefill) : HTML("—") } }
                        div { dt { "Needed" }; dd { Format.bytes(ans.neededBytes); small { ans.peakBytes > ans.neededBytes ? " resident · \(Format.bytes(ans.peakBytes)) at the load peak" : " in all" } } }
                        div { dt { "GPU layers" }; dd { "\(w.fit.gpu_layers)"; small { " of \(w.fit.total_layers)" } } }
                        div { dt { w.fit.headroom_bytes >= 0 ? "Headroom" : "Short by" }
                              dd { Format.bytes(UInt64(abs(w.fit.headroom_bytes))); small { " on the tightest device" } } }
                        div { dt { "Evidence" }; dd { UI.evidence(w.speed.evidence) } }
                    }
                    if ans.runs, let own = w.speed.estimate {
                        p(.class("small muted")) {
                            "\(w.speed.evidence_basis ?? w.speed.evidence). The engine alone estimates \(Format.tps(own.decode_tps.expected)) tok/s decode "
                            "(\(Format.tps(own.decode_tps.low))–\(Format.tps(own.decode_tps.high))) and \(Format.tps(own.prefill_tps.expected)) tok/s prefill."
                        }
                    }
                }
            }
            whatIf
            h2 { "Memory by device" }
            p(.class("small muted")) {
                "What llama.cpp keeps resident on each device, component by component, against the memory it can use "
                "(the dashed line: capacity less what the driver and OS keep; a dotted mark: the load-time peak, which never decides the verdict). "
                "KV cache: \(w.kv_type), flash attention \(w.flash_attention ? "on" : "off")"
                (w.image_tokens > 0 ? "; \(w.image_tokens) image tokens." : ".")
            }
            for d in gpuDevices + (showHost ? [host!] : []) {
                let bar = SVGMemoryBar.input(device: d)
                div(.class("chart")) {
                    p(.class("small")) {
                        strong { d.kind == "host" ? "System RAM" : d.name }
                        span(.class("muted")) { " · \(d.kind == "host" ? "host" : d.kind.uppercased()) · \(d.layers) layer\(d.layers == 1 ? "" : "s") · " }
                        span(.class(bar.total > d.usable_bytes ? "mono over" : "mono")) { "\(Format.bytes(bar.total)) needed" }
                    }
                    SVGMemoryBar.svg(bar)
                    SVGMemoryBar.legend(bar)
                }
            }
            if !w.commands.isEmpty {
                h2 { "Run it" }
                p(.class("small muted")) { "The same context, GPU layers, cache types and flash-attention setting as the estimate." }
                UI.commands(w.commands)
            }
            h2 { "Change the question" }
            form(engine, QuestionForm(asked ?? ans.question))
            p(.class("small muted")) {
                (w.speed.evidence_basis.map { "Speed: \($0)" + (w.speed.needs_review == true ? " (runs disagree by more than 20%: flagged for review)" : "") + ". " }
                    ?? "Figures are the engine's estimate (evidence: \(w.speed.evidence)). ") + "See the "
                a(href: "/methodology") { "methodology" }
                " for the equations, the calibration error and what the range means. Same answer as "
                code { "runlocalai will-it-run" }
                " and "
                a(href: ans.question.url("/api/v1/will-it-run")) { "the API" }
                "."
            }
        }
    }

    static func placementText(_ a: Answer) -> String {
        let w = a.wire
        switch a.placement {
        case .gpu: return "all \(w.fit.total_layers) layers on the GPU" + (w.devices.count > 2 ? "s" : "")
        case .partial:
            if let experts = w.fit.cpu_moe_layers {
                return "all \(w.fit.total_layers) layers on the GPU, the routed experts of \(experts) of them in system RAM (--n-cpu-moe \(experts))"
            }
            return "\(w.fit.gpu_layers) of \(w.fit.total_layers) layers on the GPU, the rest in system RAM"
        case .cpu: return "runs on the CPU from system RAM"
        case .none: return "does not fit in memory"
        }
    }

    /// "What if" links, each with its own answer (from the service, evidence applied like the main answer's).
    static func whatIf(_ ans: Answer, engine: PageEngine) async -> HTML {
        let options = await engine.service.whatIfs(ans)
        return HTML {
            p(.class("kicker")) { "What if" }
            ul(.class("whatif")) {
                for o in options {
                    li {
                        a(href: o.question.url()) {
                            b { o.label }
                            if let alt = o.answer {
                                " → \(FitTierLabel.short(alt.tier))"
                                if alt.runs { ", \(Format.tps(alt.decode.expected)) tok/s" }
                            }
                        }
                        if let alt = o.answer { UI.figures(alt) }
                    }
                }
            }
        }
    }

    // MARK: The form

    static func form(_ engine: PageEngine, _ st: QuestionForm) -> HTML {
        let quants = PageEngine.quantLadder + ["MXFP4", "BF16"]
        let ctxValue = (try? Question.context(st.ctx)) ?? Question.defaultContext
        return HTML.element("form", [.class("q"), Attr("method", "get"), Attr("action", "/will-it-run")], HTML {
            div(.class("fields")) {
                label(.class("wide")) { "Model"; input(.name("model"), .type("text"), Attr("list", "dl-models"), .value(st.model),
                                                       Attr("placeholder", "llama 3.1 8b — or a Hugging Face repo / .gguf URL"), Attr("required", nil), Attr("autocomplete", "off"),
                                                       Attr("maxlength", String(RemoteModelReference.maxLength))) }
                label { "Quantisation"
                    selectElement(.name("quant")) {
                        UI.opt("", "auto", selected: st.quant.isEmpty || st.quant.lowercased() == "auto")   // Q4_K_M, or the one format a model ships in
                        for q in quants { UI.opt(q, q, selected: QuantMix(name: st.quant)?.name == q) }
                        if !st.quant.isEmpty, st.quant.lowercased() != "auto", QuantMix(name: st.quant).map({ !quants.contains($0.name) }) ?? true { UI.opt(st.quant, st.quant, selected: true) }
                    }
                }
                label(.class("wide")) { "Hardware"; input(.name("hardware"), .type("text"), Attr("list", "dl-hardware"), .value(st.hardware),
                                                          Attr("placeholder", "RTX 3060 12GB, dual 3090, M2 Max 64GB"), Attr("required", nil),
                                                          Attr("autocomplete", "off"), Attr("maxlength", String(Question.maxNameLength))) }
                label { "Context"
                    selectElement(.name("ctx")) {
                        for c in PageEngine.contexts { UI.opt(String(c), Format.context(c), selected: ctxValue == c) }
                        if !PageEngine.contexts.contains(ctxValue) { UI.opt(String(ctxValue), String(ctxValue), selected: true) }
                    }
                }
                label { "Images"; input(.name("images"), .type("number"), Attr("min", "0"), Attr("max", "256"), .value(st.images)) }
                label { "Runtime"
                    selectElement(.name("runtime")) {
                        UI.opt("", "llama.cpp (default)", selected: st.runtime.isEmpty)
                        for k in Runtime.Kind.allCases where k != .llamaCpp { UI.opt(k.rawValue, k.rawValue, selected: st.runtime == k.rawValue) }
                    }
                }
                label { "KV cache"
                    selectElement(.name("kv")) {
                        UI.opt("", "f16 (default)", selected: st.kv.isEmpty)
                        for k in ["q8_0", "q4_0"] { UI.opt(k, k, selected: st.kv == k) }
                    }
                }
                label { "Flash attention"
                    selectElement(.name("fa")) {
                        UI.opt("", "auto", selected: st.fa.isEmpty || st.fa == "auto")
                        UI.opt("on", "on", selected: st.fa == "on")
                        UI.opt("off", "off", selected: st.fa == "off")
                    }
                }
                label { "System RAM (GB)"; input(.name("ram"), .type("number"), Attr("min", "1"), Attr("step", "any"), .value(st.ram), Attr("placeholder", "32")) }
                label { "Backend"
                    selectElement(.name("backend")) {
                        UI.opt("", "the device's own", selected: st.backend.isEmpty)
                        for b in Backend.allCases where b != .opencl { UI.opt(b.rawValue, b.displayName, selected: st.backend == b.rawValue) }
                    }
                }
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

    static let exampleQuestions: [Question] = [
        Question(model: "llama-3.1-8b", quant: "Q4_K_M", hardware: "rtx-3060-12gb", context: 8192),
        Question(model: "llama-3.3-70b", quant: "Q4_K_M", hardware: "2x rtx-3090", context: 8192),
        Question(model: "qwen3-30b-a3b", quant: "Q4_K_M", hardware: "apple-m4-max 64GB", context: 32768),
        Question(model: "llava-1.6-mistral-7b", quant: "Q4_K_M", hardware: "rtx-3060-12gb", context: 4096, images: 1),
        Question(model: "gpt-oss-20b", quant: "MXFP4", hardware: "rtx-4060-ti-16gb", context: 16384),
    ]

    static func examples(_ engine: PageEngine) -> HTML {
        HTML {
            h2 { "Examples" }
            ul(.class("whatif")) {
                for ex in exampleQuestions {
                    if let ans = try? engine.service.estimate(ex) {
                        li { a(href: ex.url()) { b { ans.wire.model.name }; " on \(ans.wire.hardware.name) → \(FitTierLabel.short(ans.tier))" } }
                    }
                }
            }
        }
    }
}

extension Optional where Wrapped == String {
    var orEmpty: String { self ?? "" }
}

enum FitTierLabel {
    static func short(_ tier: FitTier) -> String { short(tier.rawValue) }

    static func short(_ tier: String) -> String {
        switch tier {
        case "comfortable": "comfortable"
        case "tradeoffs": "with tradeoffs"
        case "wont-run": "won't run"
        default: tier
        }
    }
}
