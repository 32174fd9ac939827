import Foundation
import RunLocalAICore

/// The OpenAPI description of the site's sections (combos, model vs model, Start, systems, stacks, learn, ecosystem,
/// pulse, digest), merged into ``OpenAPIDocument``.
extension OpenAPIDocument {
    static var sectionPaths: S {
        let useCases = UseCase.allCases.map(\.rawValue)
        return [
            "/api/v1/compare/models": ["get": op("Model vs model", "Two models on one card, judged per use case (chat, coding, vision, long context, reasoning): each at the best quantisation that fits the use case's context, with the rule that decided and the overall verdict (the side that wins more use cases).",
                                                 params: [q("a", str, "model A", required: true), q("b", str, "model B", required: true), q("hardware", str, "hardware, default rtx-4090")],
                                                 responses: ok("Matchup"), tag: "engine")],
            "/api/v1/hardware-combos": ["get": op("Hardware combos", "Multi-GPU combinations from the catalog, with the memory a model really gets (8K context).",
                                                  params: [q("interconnect", en(HardwareCombo.Interconnect.allCases.map(\.rawValue)), "only this link"), q("vram", num, "at least this much VRAM in all, GB")],
                                                  responses: ok("ComboList"), tag: "catalog")],
            "/api/v1/hardware-combos/{id}": ["get": op("A hardware combo", "Topology, effective memory with the reasons it is below the sum, the split strategies (layer split, tensor parallel, one card) on the largest models that run, what breaks, and what runs.",
                                                       params: [p("id", "combo id, e.g. dual-rtx-3090")], responses: ok("ComboDetail", ["404": ("unknown combo", "Error")]), tag: "engine")],
            "/api/v1/start": ["get": op("Start", "Three models to run tonight on a piece of hardware for a use case, each a will-it-run answer with its commands.",
                                        params: [q("hardware", str, "hardware name", required: true), q("use", en(useCases), "default chat"), q("ram", num, "system RAM GiB beside a discrete GPU")],
                                        responses: ok("Start"), tag: "engine")],
            "/api/v1/systems": ["get": op("Systems", "Whole machines from the catalog: the hardware they are planned as, RAM and price.", responses: ok("SystemList"), tag: "catalog")],
            "/api/v1/systems/{id}": ["get": op("A system", "A whole machine's Score, workload chips and the models that run on it (will-it-run answers).",
                                               params: [p("id", "system id")], responses: ok("SystemDetail", ["404": ("unknown system", "Error")]), tag: "engine")],
            "/api/v1/stacks": ["get": op("Stacks", "Runtime + front end + model + hardware recipes per use case.", responses: ok("StackList"), tag: "content")],
            "/api/v1/stacks/{slug}": ["get": op("A stack", "The recipe, its set-up sections, and the will-it-run answer (with commands) for its model on its hardware.",
                                                params: [p("slug", "stack slug")], responses: ok("StackDetail", ["404": ("unknown stack", "Error")]), tag: "content")],
            "/api/v1/learn": ["get": op("Learning paths", "Ordered paths through glossary terms and live tools.", responses: ok("LearnList"), tag: "content")],
            "/api/v1/learn/{slug}": ["get": op("A learning path", "Its steps in order, each a glossary term or a tool link, and why it comes now.",
                                               params: [p("slug", "path slug")], responses: ok("LearnDetail", ["404": ("unknown path", "Error")]), tag: "content")],
            "/api/v1/ecosystem": ["get": op("Ecosystem map", "Runtimes × backends × model formats × operating systems, from the catalog.", responses: ok("Ecosystem"), tag: "catalog")],
            "/api/v1/pulse": ["get": op("Pulse", "The latest published runs, the newest catalog releases and the regressions, live from the store.", responses: ok("Pulse"), tag: "benchmarks")],
            "/api/v1/benchmark-requests": [
                "get": op("Benchmark requests", "Runs readers asked for, most wanted first; a matching run closes its request once published.",
                          params: [q("status", en(["open", "closed", "all"]), "default open"), q("limit", ["type": "integer", "minimum": 1, "maximum": 500], "default 100")],
                          responses: ok("BenchmarkRequestList"), tag: "benchmarks"),
                "post": op("Request a benchmark", "Asks for a model × hardware run (quant optional: any). Counts once per client; 201 for a new request, 200 when it adds a vote to one (or the run already exists: status closed).",
                           body: jsonBody("BenchmarkRequestBody"),
                           responses: ["201": ("a new request", "BenchmarkRequest"), "200": ("an existing request, counted", "BenchmarkRequest"),
                                       "400": ("unknown model, hardware or quant (named, with suggestions)", "Error"), "415": ("not JSON", "Error"),
                                       "413": ("body over 256 KiB", "Error"), "429": ("rate limited; see Retry-After", "Error")], tag: "benchmarks"),
            ],
            "/api/v1/guides/ai-pc-build": ["get": op("An AI PC build", "A parts list for a budget priced from the catalog (parts.yaml and the GPU's street price): the build class that leaves the most Score in the GPU, the total, and what it runs.",
                                                     params: [q("budget", num, "USD, 300 to 100000, default 2000")],
                                                     responses: ok("PCBuild", ["404": ("no build fits the budget", "Error")]), tag: "engine")],
            "/api/v1/guides/cuda-vs-rocm": ["get": op("CUDA vs ROCm", "Runtimes and devices per backend, the calibration's fitted factors, published runs, and AMD cards against the NVIDIA card of the same memory nearest in price (answers: [nvidia, amd] per question).",
                                                      responses: ok("CudaVsRocm"), tag: "engine")],
            "/api/v1/digest": ["get": op("Digest months", "The months with a digest (catalog releases, runs measured, regressions or methodology changes), newest first.",
                                         responses: ok("DigestMonths"), tag: "benchmarks")],
            "/api/v1/digest/subscribe": ["post": op("Subscribe to the digest by mail", "Double opt-in: a pending subscription and a mail with a confirmation link; nothing is sent until it is opened. The answer is the same for every address.",
                                                    body: jsonBody("SubscribeBody"),
                                                    responses: ["202": ("accepted", "Subscribe"), "400": ("not a mail address", "Error"), "415": ("not JSON", "Error"),
                                                                "413": ("body over 256 KiB", "Error"), "429": ("rate limited; see Retry-After", "Error"),
                                                                "404": ("this server has no mail signup (run without --smtp)", "Error"),
                                                                "503": ("the confirmation mail could not be sent just now", "Error")], tag: "benchmarks")],
            "/api/v1/digest/{month}": ["get": op("A monthly digest", "A month's catalog releases, published runs measured that month (fastest first), the regressions they show and the methodology changes, from the data's own dates.",
                                                 params: [p("month", "YYYY-MM")], responses: ok("Digest", ["404": ("a month not yet come", "Error")]), tag: "benchmarks")],
        ]
    }

    static var sectionSchemas: S {
        let wir = ref("WillItRunAnswer")
        let memory = obj(["sum_bytes": int, "effective_bytes": int, "host_ram_bytes": int,
                          "reasons": arr(obj(["kind": str, "bytes": int, "explanation": str]))])
        let comboSummary = obj(["id": str, "name": str, "cards": arr(obj(["hardware": str, "count": int])), "interconnect": en(HardwareCombo.Interconnect.allCases.map(\.rawValue)),
                                "link_gbs": num, "pcie_lanes": arr(int), "power_w": num, "total_vram_gib": num, "effective_bytes": int],
                               required: ["id", "name", "cards", "interconnect", "pcie_lanes", "total_vram_gib"])
        let side = obj(["model": str, "name": str, "params_b": num, "released": str, "suited": bool, "specialised": bool, "quant": str,
                        "tier": en(["comfortable", "tradeoffs", "wont-run"]), "decode_tps": num, "prefill_tps": num,
                        "evidence": en(["measured", "measured-near", "community", "extrapolated", "estimated"])],
                       required: ["model", "name", "params_b", "suited", "specialised", "tier", "decode_tps", "prefill_tps", "evidence"])
        let system = obj(["id": str, "name": str, "kind": en(CatalogSystem.Kind.allCases.map(\.rawValue)), "hardware": str, "ram_gib": num,
                          "price_usd": num, "as_of": str, "source": str], required: ["id", "name", "kind", "hardware", "ram_gib", "source"])
        let stack = obj(["slug": str, "title": str, "use_case": en(StackRecipe.UseCase.allCases.map(\.rawValue)), "summary": str, "runtime": str, "model": str,
                         "quant": str, "hardware": str, "ctx": int, "front_end": str])
        let learn = obj(["slug": str, "title": str, "summary": str, "level": en(LearnPath.Level.allCases.map(\.rawValue)), "order": int, "steps": int])
        let addition = obj(["kind": en(["model", "hardware"]), "id": str, "name": str, "month": str, "url": str])
        let regression = obj(["model": str, "quant": str, "hardware": arr(str), "hardware_count": int, "runtime": str, "backend": str,
                              "faster_version": str, "faster_decode_tps": num, "slower_version": str, "slower_decode_tps": num, "drop": num, "run_ids": arr(str)],
                             required: ["model", "quant", "hardware", "hardware_count", "runtime", "faster_version", "faster_decode_tps", "slower_version",
                                        "slower_decode_tps", "drop", "run_ids"])
        let backendSide = obj(["runtimes": arr(str), "devices": int, "bandwidth_efficiency": num, "compute_efficiency": num, "layer_micros": num, "published_runs": int])
        return [
            "Matchup": obj(["a": str, "b": str, "hardware": str, "winner": en(["a", "b"]), "a_wins": int, "b_wins": int,
                            "verdicts": arr(obj(["use_case": en(UseCase.allCases.map(\.rawValue)), "context": int, "winner": en(["a", "b"]),
                                                 "reasons": arr(str), "a": side, "b": side], required: ["use_case", "context", "reasons", "a", "b"]))],
                           required: ["a", "b", "hardware", "a_wins", "b_wins", "verdicts"],
                           description: "winner absent = either / depends on the use"),
            "ComboList": obj(["count": int, "items": arr(comboSummary)]),
            "ComboDetail": obj(["combo": comboSummary, "use": str, "breaks": arr(str), "source": str, "memory": memory, "models": arr(wir),
                                "mixed_plan": arr(ref("ModelVerdict")),
                                "splits": arr(obj(["model": str, "one_card": wir, "layer_split": wir, "tensor_parallel": wir, "tensor_parallel_refused": str],
                                                  required: ["model", "layer_split"])),
                                "runtimes": arr(obj(["id": str, "name": str, "multi_gpu": str]))],
                               description: "models: will-it-run answers on a combo of one card model; mixed_plan: the custom-build plan of a mixed combo"),
            "Start": obj(["hardware": str, "use_case": en(UseCase.allCases.map(\.rawValue)), "context": int, "minimum_decode_tps": num, "picks": arr(wir), "notes": arr(str)]),
            "SystemList": obj(["count": int, "items": arr(system)]),
            "SystemDetail": obj(["system": system, "use": str, "score": ref("HardwareScore"), "chips": arr(ref("WorkloadChip")), "models": arr(wir)]),
            "StackList": obj(["count": int, "items": arr(stack)]),
            "StackDetail": obj(["stack": stack, "front_end_url": str, "extras": arr(str), "sources": arr(str), "sections": arr(ref("Section")), "answer": wir],
                               required: ["stack", "extras", "sources", "sections", "answer"]),
            "LearnList": obj(["count": int, "items": arr(learn)]),
            "LearnDetail": obj(["path": learn, "steps": arr(obj(["kind": en(["term", "tool"]), "target": str, "url": str, "label": str, "why": str])),
                                "sections": arr(ref("Section"))]),
            "Ecosystem": obj(["backends": arr(str), "formats": arr(str), "os": arr(str),
                              "runtimes": arr(obj(["id": str, "name": str, "backends": arr(str), "formats": arr(str), "os": arr(str), "multi_gpu": str],
                                                  required: ["id", "name", "backends", "formats", "os"])),
                              "devices_by_backend": ["type": "object", "additionalProperties": int]]),
            "Pulse": obj(["published_runs": int, "stale_runs": int, "latest_runs": arr(ref("BenchmarkRun")), "additions": arr(addition), "regressions": arr(regression)]),
            "BenchmarkRequest": obj(["id": str, "model": str, "quant": str, "hardware": str, "hardware_count": int, "votes": int, "status": en(["open", "closed"]),
                                     "created_at": ["type": "string", "format": "date-time"], "closed_at": ["type": "string", "format": "date-time"], "closed_by": str,
                                     "estimate_url": str],
                                    required: ["id", "model", "hardware", "hardware_count", "votes", "status", "created_at", "estimate_url"],
                                    description: "quant absent = any quantisation; closed_by = the published run that answered it"),
            "BenchmarkRequestList": obj(["count": int, "items": arr(ref("BenchmarkRequest"))]),
            "BenchmarkRequestBody": obj(["model": str, "quant": str, "hardware": str], required: ["model", "hardware"]),
            "PCBuild": obj(["budget_usd": num, "tier": en(PCPart.Tier.allCases.map(\.rawValue)), "gpu": str, "gpu_price_usd": num, "score": int, "ram_gib": num, "psu_w": num,
                            "total_usd": num, "parts": arr(obj(["id": str, "kind": en(PCPart.Kind.allCases.map(\.rawValue)), "name": str, "price_usd": num, "as_of": str, "source": str])),
                            "models": arr(wir)]),
            "CudaVsRocm": obj(["cuda": backendSide, "rocm": backendSide,
                               "pairs": arr(obj(["nvidia": str, "amd": str, "answers": arr(["type": "array", "items": wir, "minItems": 2, "maxItems": 2])]))]),
            "SubscribeBody": obj(["email": ["type": "string", "maxLength": 254]]),
            "Subscribe": obj(["status": en(["accepted"]), "message": str]),
            "DigestMonths": obj(["months": arr(str), "urls": arr(str)]),
            "Digest": obj(["month": str, "additions": arr(addition), "runs": arr(ref("BenchmarkRun")), "regressions": arr(regression),
                           "methodology": arr(obj(["date": str, "title": str, "summary": str, "commit": str]))]),
        ]
    }
}
