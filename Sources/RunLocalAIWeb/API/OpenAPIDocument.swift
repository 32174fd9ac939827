import Foundation
import RunLocalAICore

/// The OpenAPI 3.1 description of `/api/v1`, served at `/api/v1/openapi.json`. Hand-written; the tests validate
/// every API response against the schemas here, so a change to a response shape must change this file too.
public enum OpenAPIDocument {
    public static let json: Data = {
        (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }()

    // MARK: Schema helpers

    typealias S = [String: Any]
    static func ref(_ name: String) -> S { ["$ref": "#/components/schemas/\(name)"] }
    static var str: S { ["type": "string"] }
    static var int: S { ["type": "integer"] }
    static var num: S { ["type": "number"] }
    static var bool: S { ["type": "boolean"] }
    /// The question grammar's `backend` values (`auto`: the device's own).
    static var backendSchema: S { ["type": "string", "enum": Backend.allCases.map(\.rawValue) + ["auto"]] }
    static func arr(_ items: S) -> S { ["type": "array", "items": items] }
    static func obj(_ props: [String: S], required: [String]? = nil, description: String? = nil) -> S {
        var o: S = ["type": "object", "properties": props, "required": required ?? props.keys.sorted()]
        if let description { o["description"] = description }
        return o
    }
    static func en(_ values: [String]) -> S { ["type": "string", "enum": values] }
    static func list(_ item: String) -> S { obj(["count": int, "items": arr(ref(item))]) }

    // MARK: Parameters

    static func q(_ name: String, _ schema: S, _ description: String, required: Bool = false) -> S {
        ["name": name, "in": "query", "required": required, "schema": schema, "description": description]
    }
    static func p(_ name: String, _ description: String) -> S {
        ["name": name, "in": "path", "required": true, "schema": str, "description": description]
    }

    static var willItRunParams: [S] { [
        q("model", ["type": "string", "maxLength": 1000], "catalog model id or name (forgiving: 'llama 3.1 8b'), or a GGUF read from its header (range requests, never downloaded): a Hugging Face repository 'OWNER/NAME[:QUANT]' (the quant picks the file, else `quant`), a repository or .gguf URL, or a split model's first part; read from huggingface.co / hf.co over HTTPS (and hosts the server adds), with the repository's vision projector; the answer carries model_file", required: true),
        q("quant", str, "llama.cpp file type; default Q4_K_M, or the one format a model ships in (gpt-oss: MXFP4)"),
        q("hardware", ["type": "string", "maxLength": 200], "catalog hardware id or name, with a count and memory variant ('2x RTX 3090', 'dual 3090', 'M1 Max 32-core 64GB'); an Apple chip named by its memory alone ('M2 Pro 16GB') is answered for its base GPU variant, the others listed in hardware.alternatives", required: true),
        q("ctx", ["type": "string", "pattern": "^[0-9][0-9,_]*[kKmM]?$"], "context tokens, default 4096: 32768, 32K or 32k (the site's grammar)"),
        q("images", ["type": "integer", "minimum": 0, "maximum": 256], "images sent to a vision model, default 0"),
        q("kv", en(["f16", "q8_0", "q4_0", "f32", "bf16", "q4_1", "iq4_nl", "q5_0", "q5_1"]), "KV cache type, default f16"),
        q("fa", en(["auto", "on", "off", "true", "false", "1", "0"]), "flash attention, default auto (llama.cpp: on; Ollama: off unless a quantised cache)"),
        q("runtime", en(["llama.cpp", "ollama", "lm-studio", "vllm", "mlx"]), "the runtime: its own rules (vLLM: CUDA/ROCm only, tensor parallel over 1/2/4/8, no CPU offload, 90% preallocated; MLX: Apple only), default llama.cpp; a runtime that does not run on the hardware is a 400 naming the alternatives"),
        q("ram", ["type": "number", "minimum": 1, "maximum": 65_536], "host RAM in GiB beside a discrete GPU, default 32"),
        q("backend", backendSchema, "llama.cpp backend to plan for; default the device's own (cpu plans the cores alone)"),
        q("ngl", ["type": "integer", "minimum": 0], "fixed -ngl instead of the planner's choice"),
    ] }

    static func op(_ summary: String, _ description: String, params: [S] = [], body: S? = nil, responses: [String: (String, String?)],
                   tag: String) -> S {
        var o: S = ["summary": summary, "description": description, "tags": [tag], "parameters": params]
        if let body { o["requestBody"] = body }
        var r: S = [:]
        for (code, (desc, schema)) in responses {
            if let schema {
                r[code] = ["description": desc, "content": ["application/json": ["schema": ref(schema)]]]
            } else {
                r[code] = ["description": desc]
            }
        }
        o["responses"] = r
        return o
    }

    static let errors: [String: (String, String?)] = ["400": ("bad parameter (the body names it)", "Error")]
    static func ok(_ schema: String, _ extra: [String: (String, String?)] = [:]) -> [String: (String, String?)] {
        var r: [String: (String, String?)] = ["200": ("OK", schema), "304": ("not modified (If-None-Match matched the ETag)", nil)]
        r.merge(errors) { a, _ in a }
        r.merge(extra) { a, _ in a }
        return r
    }
    static func jsonBody(_ schema: String, text: Bool = false) -> S {
        var content: S = ["application/json": ["schema": ref(schema)]]
        if text { content["text/plain"] = ["schema": str] }
        return ["required": true, "content": content]
    }

    static var paths: S {
        let post429: [String: (String, String?)] = ["413": ("body over 256 KiB", "Error"), "429": ("rate limited; see Retry-After", "Error")]
        return [
            "/api/v1/will-it-run": ["get": op("Will it run?", "Memory by device and component, fit, decode/prefill ranges with evidence, and the commands, for one model, quantisation, hardware and settings. The same answer as `runlocalai will-it-run --json`.",
                                              params: willItRunParams,
                                              responses: ok("WillItRunAnswer", ["403": ("a remote model that is gated or private", "Error"),
                                                                                "404": ("a remote model, file or repository that does not exist", "Error"),
                                                                                "422": ("a remote file that is not a GGUF language model, or whose header is over the server's cap", "Error"),
                                                                                "429": ("too many new remote models from this client; see Retry-After", "Error"),
                                                                                "502": ("the remote model's host failed", "Error"),
                                                                                "504": ("the remote model's host did not answer in time", "Error")]), tag: "engine")],
            "/api/v1/will-it-run/custom": ["get": op("A custom build", "Any set of GPUs (same or mixed) with RAM, OS, runtime and use case: effective memory with the reasons it is below the sum, the recommended runtime, and every catalog model grouped comfortable / borderline / not practical with its best quantisation.",
                                                     params: [q("hardware", str, "hardware names, comma-separated or repeated ('rtx-3090,rtx-3060-12gb', '2x RTX 3090')", required: true),
                                                              q("ram", num, "host RAM GiB, default 32"), q("os", en(["linux", "windows", "macos"]), "default linux"),
                                                              q("runtime", str, "runtime to check instead of recommending one"),
                                                              q("use_case", en(["chat", "coding", "vision", "long-context", "reasoning", "any"]), "default chat"),
                                                              q("ctx", ["type": "integer", "minimum": 512], "context, default 8192"), q("beginner", bool, "prefer beginner-friendly runtimes")],
                                                     responses: ok("CustomBuildReport"), tag: "engine")],
            "/api/v1/models": ["get": op("Models", "Catalog models.", params: [q("use", str, "chat, coding, vision, long-context, reasoning, embedding ..."), q("vision", bool, "vision-language models only (or none)"),
                                                                                 q("moe", bool, "mixture-of-experts only (or none)"), q("family", str, "model family"), q("max_params_b", num, "largest parameter count, billions")],
                                         responses: ok("ModelList"), tag: "catalog")],
            "/api/v1/models/{id}": ["get": op("A model", "Architecture and the memory table by quantisation × context.", params: [p("id", "catalog model id")],
                                              responses: ok("ModelDetail", ["404": ("unknown model", "Error")]), tag: "catalog")],
            "/api/v1/hardware": ["get": op("Hardware", "Catalog hardware with its RunLocalAI Score.", params: [q("kind", en(["gpu", "apple", "soc", "cpu"]), "device kind"), q("vendor", str, "vendor"),
                                                                                                               q("backend", en(["cuda", "rocm", "metal", "vulkan", "sycl", "cpu", "opencl"]), "backend"), q("min_memory_gib", num, "smallest memory")],
                                           responses: ok("HardwareList"), tag: "catalog")],
            "/api/v1/hardware/{id}": ["get": op("A piece of hardware", "Specs, the RunLocalAI Score with its sub-scores, and the workload chips.", params: [p("id", "catalog hardware id"), q("memory", num, "memory variant in GB"), q("count", ["type": "integer", "minimum": 1, "maximum": 64], "how many of it")],
                                                responses: ok("HardwareDetail", ["404": ("unknown hardware", "Error")]), tag: "catalog")],
            "/api/v1/runtimes": ["get": op("Runtimes", "Catalog runtimes.", responses: ok("RuntimeList"), tag: "catalog")],
            "/api/v1/glossary": ["get": op("Glossary", "Glossary terms.", responses: ok("GlossaryList"), tag: "content")],
            "/api/v1/glossary/{slug}": ["get": op("A glossary term", "One term, with its sections (engine figures rendered).", params: [p("slug", "term slug")],
                                                  responses: ok("GlossaryTerm", ["404": ("unknown term", "Error")]), tag: "content")],
            "/api/v1/errors": ["get": op("Errors knowledge base", "Error articles.", responses: ok("ErrorList"), tag: "content")],
            "/api/v1/errors/{slug}": ["get": op("An error article", "Literal error text, cause and numbered fix.", params: [p("slug", "article slug")],
                                                responses: ok("ErrorArticle", ["404": ("unknown article", "Error")]), tag: "content")],
            "/api/v1/diagnose": ["post": op("Diagnose a log", "Matches a pasted log (first and last 1 MiB read) against the errors knowledge base; best match first, each with the matched lines and its fix.",
                                            body: jsonBody("DiagnoseRequest", text: true),
                                            responses: ["200": ("matches", "DiagnoseResponse"), "400": ("empty log or bad JSON", "Error"), "415": ("not text/plain or JSON", "Error")].merging(post429) { a, _ in a }, tag: "content")],
            "/api/v1/compare": ["get": op("Compare", "One model on two to four hardware (model=M&hardware=A,B,C,D) or two models on one hardware (model=A,B&hardware=H); other parameters as will-it-run.",
                                          params: [q("model", str, "one or two models", required: true), q("hardware", str, "two or one hardware", required: true)] + willItRunParams.filter { !["model", "hardware"].contains($0["name"] as? String ?? "") },
                                          responses: ok("Compare"), tag: "engine")],
            "/api/v1/guides": ["get": op("Buying guides", "Best GPU overall, under a budget, used, for Ollama, for vision, best Mac, 16 GB vs 24 GB, best laptop; each pick with its figures.",
                                         params: [q("budget", num, "USD, default 800"),
                                                  q("use", en(UseCase.allCases.map(\.rawValue)), "rank the budget guides (under-budget, used) by how each card runs this use case's model instead of by Score"),
                                                  q("ctx", ["type": "string", "pattern": "^[0-9][0-9,_]*[kKmM]?$"], "context for the use case (default the use case's own: chat 8K, coding 32K, long context 64K)")],
                                         responses: ok("Guides"), tag: "engine")],
            "/api/v1/cost": ["get": op("Cost vs cloud", "Break-even months of buying hardware against renting a GPU or paying an API.",
                                       params: [q("hardware", str, "hardware", required: true), q("model", str, "model whose decode speed sets the tokens (default llama-3.1-8b)"),
                                                q("quant", str, "default Q4_K_M, or the one format the model ships in (gpt-oss: MXFP4)"), q("ctx", str, "default 8192 (32K and 32768 alike)"),
                                                q("backend", backendSchema, "llama.cpp backend whose decode speed counts; default the device's own"),
                                                q("price", num, "hardware price USD (default: the catalog's current price: street if sold new, else used)"),
                                                q("condition", en(["new", "used"]), "which catalog price to quote (default: the cheaper)"),
                                                q("tdp", num, "watts (default: catalog TDP)"), q("hours_per_day", num, "default 4"), q("utilisation", num, "fraction of TDP drawn, default 0.7"),
                                                q("electricity", num, "USD per kWh, default 0.15"), q("cloud_hourly", num, "rented GPU USD per hour, default 0.40"),
                                                q("api_per_million", num, "API USD per million output tokens, default 0.60")],
                                       responses: ok("Cost"), tag: "engine")],
            "/api/v1/snapshot.json": ["get": op("Open-data snapshot", "The catalog's models, hardware and runtimes and every published run in one document, under CC-BY-4.0, with the SHA-256 of the data (encoded with sorted keys); its first 12 hex digits are the version, so the same data always has the same version.",
                                                responses: ok("Snapshot"), tag: "benchmarks")],
            "/api/v1/snapshots": ["get": op("Archived snapshots", "The days (UTC) that have an archived snapshot, oldest first, with their URLs.",
                                            responses: ok("SnapshotDays"), tag: "benchmarks")],
            "/api/v1/snapshots/{file}": ["get": op("An archived snapshot", "The snapshot archived on a day, as `YYYY-MM-DD.json`; it never changes once written. The first request for today's date (UTC) archives today's; an earlier day without an archive, or a later day, is a 404.",
                                                   params: [p("file", "YYYY-MM-DD.json")],
                                                   responses: ok("Snapshot", ["400": ("not a day", "Error"), "404": ("nothing archived that day", "Error")]), tag: "benchmarks")],
            "/api/v1/benchmarks/export.json": ["get": op("Export published runs (JSON)", "Every approved or reproduced run as a JSON array of BenchmarkRun, the format `runlocalai benchmarks import` reads back (CC-BY-4.0).",
                                                          responses: ["200": ("runs", "BenchmarkRunArray")], tag: "benchmarks")],
            "/api/v1/benchmarks/export.csv": ["get": ["summary": "Export published runs (CSV)", "tags": ["benchmarks"], "parameters": [S](),
                                                      "description": "The same runs as CSV, one column per BenchmarkRun field; text cells that a spreadsheet would run as a formula start with an apostrophe.",
                                                      "responses": ["200": ["description": "runs", "content": ["text/csv": ["schema": ["type": "string"]]]]]]],
            "/api/v1/benchmarks": [
                "get": op("Benchmark runs", "Published runs (approved and reproduced), newest first. Other statuses need the admin token.",
                          params: [q("model", str, "model"), q("quant", str, "quantisation"), q("hardware", str, "hardware id"), q("runtime", str, "runtime"),
                                   q("status", str, "statuses, comma-separated"), q("limit", ["type": "integer", "minimum": 1, "maximum": 500], "default 100"),
                                   q("offset", ["type": "integer", "minimum": 0], "default 0")],
                          responses: ["200": ("runs", "BenchmarkList"), "400": ("bad filter", "Error"), "403": ("hidden statuses without the admin token", "Error")], tag: "benchmarks"),
                "post": op("Submit a run", "Stores a measured run as pending (moderated before it is published).", body: jsonBody("BenchmarkRun"),
                           responses: ["201": ("stored, pending", "BenchmarkRun"), "400": ("invalid field (named)", "Error"), "409": ("already stored", "Error"), "415": ("not JSON", "Error")].merging(post429) { a, _ in a },
                           tag: "benchmarks"),
            ],
            "/api/v1/benchmarks/{id}/status": ["post": op("Moderate a run", "Approve, reject, mark duplicate or reproduced. Needs `Authorization: Bearer <RUNLOCALAI_ADMIN_TOKEN>`; 404 when the server has no token configured.",
                                                          params: [p("id", "run id")], body: jsonBody("StatusChangeRequest"),
                                                          responses: ["200": ("the run after the change", "BenchmarkRun"), "400": ("bad status", "Error"), "401": ("missing or wrong token", "Error"),
                                                                      "404": ("unknown run, or moderation off", "Error"), "409": ("move not allowed", "Error")].merging(post429) { a, _ in a },
                                                          tag: "benchmarks")],
            "/api/v1/feedback": ["post": op("Send feedback", "A note about a page or a figure.", body: jsonBody("FeedbackRequest"),
                                            responses: ["201": ("stored", "Feedback"), "400": ("invalid field", "Error")].merging(post429) { a, _ in a }, tag: "feedback")],
            "/api/v1/openapi.json": ["get": ["summary": "This document", "tags": ["meta"], "responses": ["200": ["description": "OpenAPI 3.1 document"]]]],
            "/health": ["get": op("Health", "Process up; what it serves.", responses: ["200": ("ok", "Health"), "503": ("store unreachable", "Health")], tag: "meta")],
        ]
    }

    // MARK: Components

    static var schemas: S {
        let speed = ref("SpeedRange")
        return [
            "Error": obj(["error": obj(["status": int, "code": str, "message": str, "parameter": str], required: ["status", "code", "message"])]),
            "BenchmarkRunArray": arr(ref("BenchmarkRun")),
            "SnapshotDays": obj(["today": str, "days": arr(str), "urls": arr(str)], required: ["today", "days", "urls"]),
            "Snapshot": obj(["schema_version": int, "version": str, "license": str, "license_url": str, "attribution": str, "content_sha256": str,
                             "counts": obj(["models": int, "hardware": int, "runtimes": int, "runs": int], required: ["models", "hardware", "runtimes", "runs"]),
                             "data": obj(["models": arr(ref("ModelSummary")), "hardware": arr(ref("HardwareSummary")), "runtimes": arr(ref("Runtime")),
                                          "runs": arr(ref("BenchmarkRun"))], required: ["models", "hardware", "runtimes", "runs"])],
                            required: ["schema_version", "version", "license", "content_sha256", "counts", "data"]),
            "SpeedRange": obj(["low": num, "expected": num, "high": num]),
            "WillItRunAnswer": obj([
                "model": obj(["id": str, "name": str]), "quant": str,
                "hardware": obj(["id": str, "name": str, "count": int,
                                 "alternatives": ["type": "array", "items": str, "description": "other catalog entries the name fitted as well; the answer took the base variant (added in v1.1)"]],
                                required: ["id", "name", "count"]),
                "context": int, "images": int, "image_tokens": int, "kv_type": str, "flash_attention": bool,
                "runtime": en(["llama.cpp", "ollama", "lm-studio", "vllm", "mlx"]),
                "model_file": obj(["url": str, "mmproj_url": str, "etag": str], required: ["url"],
                                  description: "present when the model was read from a GGUF's header (a URL or file) instead of the catalog: every tensor as stored (added in v1.2)"),
                "memory": obj(["weights_bytes": int, "repack_bytes": int, "vision_bytes": int, "kv_cache_bytes": int, "compute_bytes": int,
                               "overhead_bytes": int, "total_bytes": int, "gpu_bytes": int, "cpu_bytes": int,
                               "needed_bytes": int, "peak_bytes": int,
                               "recurrent_state_bytes": ["type": "integer", "description": "of kv_cache_bytes, the recurrent state of a hybrid model's Mamba / linear-attention layers (f32, per sequence; added in v1.2)"]],
                              required: ["weights_bytes", "repack_bytes", "vision_bytes", "kv_cache_bytes", "compute_bytes", "overhead_bytes", "total_bytes", "gpu_bytes", "cpu_bytes"],
                              description: "total_bytes is the load-time peak (the parts summed); needed_bytes is what stays resident (the verdict's figure); peak_bytes = total_bytes (both added in v1.1)"),
                "devices": arr(ref("Device")),
                "fit": obj(["tier": en(["comfortable", "tradeoffs", "wont-run"]), "placement": en(["gpu", "partial", "cpu", "none"]),
                            "gpu_layers": int, "total_layers": int, "headroom_bytes": int, "notes": arr(str),
                            "cpu_moe_layers": ["type": "integer", "minimum": 1, "description": "llama.cpp's --n-cpu-moe: layers whose routed experts stay in system RAM while every layer is on the GPU (placement partial; added in v1.2)"]],
                           required: ["tier", "placement", "gpu_layers", "total_layers", "headroom_bytes", "notes"]),
                "speed": obj(["decode_tps": speed, "prefill_tps": speed, "evidence": en(["measured", "measured-near", "community", "extrapolated", "estimated"]),
                              "evidence_basis": str, "run_ids": arr(str), "needs_review": bool,
                              "estimate": obj(["decode_tps": speed, "prefill_tps": speed],
                                              description: "the engine's own prediction, beside figures taken from benchmark runs")],
                             required: ["decode_tps", "prefill_tps", "evidence"]),
                "commands": arr(obj(["runtime": str, "command": str, "note": str], required: ["runtime", "command"])),
            ], required: ["model", "quant", "hardware", "context", "images", "image_tokens", "kv_type", "flash_attention", "runtime",
                          "memory", "devices", "fit", "speed", "commands"]),
            "Device": obj(["name": str, "kind": str, "capacity_bytes": int, "usable_bytes": int, "layers": int, "weights_bytes": int, "repack_bytes": int,
                           "vision_bytes": int, "kv_cache_bytes": int, "compute_bytes": int, "overhead_bytes": int, "total_bytes": int, "needed_bytes": int],
                          required: ["name", "kind", "capacity_bytes", "usable_bytes", "layers", "weights_bytes", "repack_bytes", "vision_bytes", "kv_cache_bytes",
                                     "compute_bytes", "overhead_bytes", "total_bytes"],
                          description: "one device; total_bytes is its load-time peak, needed_bytes what stays resident (added in v1.1)"),
            "CustomBuildReport": obj([
                "hardware": arr(str), "gpus": arr(str), "os": str, "use_case": str, "context": int,
                "memory": obj(["sum_bytes": int, "effective_bytes": int, "host_ram_bytes": int,
                               "reasons": arr(obj(["kind": en(["metal-cap", "carve-out", "per-card-overhead", "margin", "compute-buffer", "duplicated-compute", "no-pooling", "host-reserve"]),
                                                   "bytes": int, "explanation": str]))]),
                "runtime": obj(["id": str, "name": str, "reasons": arr(str), "alternatives": arr(str), "warnings": arr(str)]),
                "models": arr(ref("ModelVerdict")),
            ]),
            "ModelVerdict": obj(["id": str, "name": str, "params_b": num, "group": en(["comfortable", "borderline", "not-practical"]), "quant": str,
                                 "tier": en(["comfortable", "tradeoffs", "wont-run"]), "placement": en(["gpu", "partial", "cpu", "none"]),
                                 "decode_tps": num, "total_bytes": int, "note": str],
                                required: ["id", "name", "params_b", "group", "quant", "tier", "placement", "decode_tps", "total_bytes"]),
            "ModelSummary": obj(["id": str, "name": str, "family": str, "vendor": str, "params_b": num, "active_params_b": num, "context_length": int,
                                 "vision": bool, "moe": bool, "use": arr(str), "released": str],
                                required: ["id", "name", "family", "vendor", "params_b", "context_length", "vision", "moe", "use"]),
            "ModelList": list("ModelSummary"),
            "ModelDetail": obj([
                "model": ref("ModelSummary"), "license": str, "aliases": arr(str), "source": str, "ollama": str, "hf_repo": str, "gguf_repo": str,
                "architecture": obj(["arch": str, "layers": int, "hidden": int, "ffn": int, "heads": int, "kv_heads": int, "head_dim": int, "vocab": int,
                                     "context_length": int, "sliding_window": int, "mla": bool, "tied_embeddings": bool, "kv_bytes_per_token_f16": int,
                                     "moe": obj(["experts": int, "active": int, "shared": int, "expert_ffn": int])],
                                    required: ["arch", "layers", "hidden", "ffn", "heads", "kv_heads", "head_dim", "vocab", "context_length", "mla", "tied_embeddings", "kv_bytes_per_token_f16"]),
                "vision": obj(["encoder": str, "tokens_per_image": int, "max_tokens_per_image": int, "mmproj_bytes": int], required: ["encoder", "tokens_per_image"]),
                "memory": obj(["contexts": arr(int), "quants": arr(str), "basis": str,
                               "rows": arr(obj(["quant": str, "weights_bytes": int, "bits_per_weight": num, "total_bytes": arr(int), "kv_cache_bytes": arr(int)]))]),
            ], required: ["model", "license", "aliases", "source", "architecture", "memory"]),
            "HardwareSummary": obj(["id": str, "name": str, "vendor": str, "kind": en(["gpu", "apple", "soc", "cpu"]), "form": str, "memory_gib": num,
                                    "memory_options_gib": arr(num), "bandwidth_gbs": num, "backends": arr(str), "tdp_w": num,
                                    "price_usd": obj(["street": num, "used": num, "launch": num, "as_of": str], required: []), "score": int],
                                   required: ["id", "name", "vendor", "kind", "memory_gib", "memory_options_gib", "bandwidth_gbs", "backends", "score"]),
            "HardwareList": list("HardwareSummary"),
            "HardwareScore": obj(["total": ["type": "integer", "minimum": 0, "maximum": 1000], "throughput": num, "vram_fit": num, "ecosystem": num, "efficiency": num,
                                  "raw": num, "evidence": str, "confidence_multiplier": num, "tokens_per_joule": num],
                                 required: ["total", "throughput", "vram_fit", "ecosystem", "efficiency", "raw", "evidence", "confidence_multiplier"],
                                 description: "throughput (0-500) + VRAM fit (0-200) + ecosystem (0-200) + efficiency (0-100), × the evidence's confidence multiplier"),
            "WorkloadChip": obj(["id": str, "label": str, "model": str, "quant": str, "context": int, "images": int,
                                 "status": en(["comfortable", "tight", "marginal", "doesnt-fit"]), "status_label": str, "decode_tps": num,
                                 "total_bytes": int, "gpu_layers": int, "total_layers": int,
                                 "evidence": en(["measured", "measured-near", "community", "extrapolated", "estimated"])],
                                description: "a reference workload on this hardware; decode_tps and evidence are the will-it-run answer's for the same question"),
            "HardwareDetail": obj(["hardware": ref("HardwareSummary"), "selection": obj(["id": str, "name": str, "count": int]), "memory_gib": num,
                                   "usable_gpu_bytes": int, "specs": obj(["memory_type": str, "bus_width_bits": int, "fp16_tensor_tflops": num, "fp32_tflops": num,
                                                                           "pcie": str, "released": str, "gpu_cores": int, "cpu_cores": int, "gpu_max_alloc_gib": num, "source": str],
                                                                          required: ["source"]),
                                   "score": ref("HardwareScore"), "chips": arr(ref("WorkloadChip"))]),
            "Runtime": obj(["id": str, "name": str, "url": str, "license": str, "os": arr(str), "backends": arr(str), "formats": arr(str), "multi_gpu": str,
                            "server_api": str, "vision": str, "beginner": bool, "best_for": str, "caveat": str, "commands": bool, "source": str],
                           required: ["id", "name", "os", "backends", "formats", "beginner", "commands", "source"]),
            "RuntimeList": list("Runtime"),
            "Section": obj(["heading": str, "markdown": str]),
            "GlossarySummary": obj(["slug": str, "term": str, "also_known_as": arr(str), "category": str]),
            "GlossaryList": list("GlossarySummary"),
            "GlossaryTerm": obj(["slug": str, "term": str, "also_known_as": arr(str), "category": str, "related": arr(str), "sources": arr(str),
                                 "reviewed": str, "sections": arr(ref("Section"))],
                                required: ["slug", "term", "also_known_as", "category", "related", "sources", "sections"]),
            "ErrorSummary": obj(["slug": str, "title": str, "category": str]),
            "ErrorList": list("ErrorSummary"),
            "ErrorArticle": obj(["slug": str, "title": str, "category": str, "error_text": arr(str), "patterns": arr(str), "related": arr(str),
                                 "verified": str, "sources": arr(str), "sections": arr(ref("Section"))],
                                required: ["slug", "title", "category", "error_text", "patterns", "related", "sources", "sections"]),
            "DiagnoseRequest": obj(["log": str]),
            "DiagnoseResponse": obj(["lines_read": int, "matches": arr(obj([
                "slug": str, "title": str, "category": str, "score": int, "fix": str, "url": str,
                "lines": arr(obj(["number": int, "text": str, "matched": str, "kind": en(["error_text", "pattern"])])),
            ]))]),
            "Compare": obj(["kind": en(["hardware", "models"]), "a": ref("WillItRunAnswer"), "b": ref("WillItRunAnswer"),
                            "answers": ["type": "array", "items": ref("WillItRunAnswer"), "minItems": 2, "maxItems": 4], "decode_ratio": num,
                            "prefill_ratio": num, "summary": str], required: ["kind", "a", "b", "answers", "summary"],
                           description: "answers: every side in order (2 to 4 hardware, or the two models; added in v1.3); a and b are the first two"),
            "Guides": obj(["budget_usd": num, "picks": arr(obj(["guide": en(Guides.ids),
                                                                "title": str, "hardware": str, "name": str, "price_usd": num, "score": int, "why": str,
                                                                "figures": arr(obj(["label": str, "value": str]))],
                                                               required: ["guide", "title", "hardware", "name", "score", "why", "figures"]))]),
            "Cost": obj(["hardware": str, "model": str, "price_usd": num, "price_basis": en(["street", "used", "given"]), "evidence": str, "tdp_w": num, "decode_tps": num,
                         "report": obj(["power_usd_per_month": num, "tokens_per_month": num, "cloud_gpu_usd_per_month": num, "api_usd_per_month": num,
                                        "breakeven_months_vs_gpu": num, "breakeven_months_vs_api": num,
                                        "assumptions": ["type": "object", "additionalProperties": num]],
                                       required: ["power_usd_per_month", "tokens_per_month", "cloud_gpu_usd_per_month", "api_usd_per_month", "assumptions"])],
                        required: ["hardware", "model", "price_usd", "price_basis", "tdp_w", "decode_tps", "report"],
                        description: "price_basis (street, used, or the request's own price) and evidence (of decode_tps, as the will-it-run answer's) added in v1.1"),
            "BenchmarkRun": obj([
                "id": str, "model": str, "quant": str, "hardware": arr(str), "hardware_count": int, "runtime": str, "runtime_version": str, "backend": str,
                "context": int, "flash_attention": bool, "kv_type": str, "gpu_layers": int, "prompt_tokens": int, "generated_tokens": int,
                "prefill_tps": num, "decode_tps": num, "ttft_ms": num, "peak_vram_bytes": int, "peak_ram_bytes": int, "power_watts": num, "os": str,
                "measured_at": ["type": "string", "format": "date-time"], "submitter": str, "command": str, "log_excerpt": str, "log_url": str,
                "log_sha256": str, "source": str,
                "status": en(["pending", "approved", "rejected", "duplicate", "reproduced", "independently-reproduced"]),
                "submitted_at": ["type": "string", "format": "date-time"],
            ], required: ["model", "quant", "hardware", "hardware_count", "runtime", "decode_tps", "status"]),
            "BenchmarkList": obj(["runs": arr(ref("BenchmarkRun")), "limit": int, "offset": int]),
            "StatusChangeRequest": obj(["status": en(["pending", "approved", "rejected", "duplicate", "reproduced", "independently-reproduced"]),
                                        "note": str, "moderator": str], required: ["status"]),
            "FeedbackRequest": obj(["page": str, "message": str, "contact": str], required: ["page", "message"]),
            "Feedback": obj(["id": str, "page": str, "message": str, "contact": str, "created_at": ["type": "string", "format": "date-time"]],
                            required: ["page", "message"]),
            "Health": obj(["status": en(["ok", "degraded"]), "models": int, "hardware": int, "benchmarks": int]),
        ]
    }

    static var document: S {
        [
            "openapi": "3.1.0",
            "info": ["title": "RunLocalAI API", "version": "1.0.0",
                     "description": "Will this model run on my hardware, and how fast? Every figure comes from one engine (RunLocalAICore). Errors share one body: {\"error\":{\"status\",\"code\",\"message\",\"parameter\"}}. Catalog data carries an ETag (304 on If-None-Match) and Cache-Control; POSTs are rate limited per client (429 with Retry-After) and bodies capped at 256 KiB (413)."],
            "servers": [["url": "/"]],
            "paths": paths.merging(sectionPaths) { a, _ in a },
            "components": ["schemas": schemas.merging(sectionSchemas) { a, _ in a }],
        ]
    }
}
