import Foundation
import RunLocalAICore
import RunLocalAIStore

// The JSON shapes of /api/v1 (snake_case keys). Every one is described in the OpenAPI document
// (`OpenAPIDocument.swift`) and the tests validate each response against it.

struct ModelSummaryDTO: Codable, Sendable {
    var id: String
    var name: String
    var family: String
    var vendor: String
    var params_b: Double
    var active_params_b: Double?
    var context_length: Int
    var vision: Bool
    var moe: Bool
    var use: [String]
    var released: String?

    init(_ m: CatalogModel, activeParamsB: Double? = nil) {
        id = m.id; name = m.name; family = m.family; vendor = m.vendor; params_b = m.paramsB
        active_params_b = activeParamsB
        context_length = m.architecture.contextLength; vision = m.isVisionModel; moe = m.isMoE; use = m.use; released = m.released
    }
}

struct ArchitectureDTO: Codable, Sendable {
    struct MoE: Codable, Sendable { var experts: Int; var active: Int; var shared: Int; var expert_ffn: Int }
    var arch: String
    var layers: Int
    var hidden: Int
    var ffn: Int
    var heads: Int
    var kv_heads: Int
    var head_dim: Int
    var vocab: Int
    var context_length: Int
    var sliding_window: Int?
    var moe: MoE?
    var mla: Bool
    var tied_embeddings: Bool
    var kv_bytes_per_token_f16: UInt64

    init(_ a: ModelArchitecture, kvPerToken: UInt64) {
        arch = a.arch; layers = a.layers; hidden = a.hidden; ffn = a.ffn; heads = a.heads; kv_heads = a.kvHeadsPerLayer.max() ?? a.heads; head_dim = a.headDimK
        vocab = a.vocab; context_length = a.contextLength; sliding_window = a.slidingWindow
        moe = a.moe.map { MoE(experts: $0.experts, active: $0.active, shared: $0.shared, expert_ffn: $0.expertFFN) }
        mla = a.mla != nil; tied_embeddings = a.tiedEmbeddings; kv_bytes_per_token_f16 = kvPerToken
    }
}

struct VisionDTO: Codable, Sendable {
    var encoder: String
    var tokens_per_image: Int
    var max_tokens_per_image: Int?
    var mmproj_bytes: UInt64?
}

struct ModelDetailDTO: Codable, Sendable {
    var model: ModelSummaryDTO
    var license: String
    var aliases: [String]
    var architecture: ArchitectureDTO
    var vision: VisionDTO?
    var ollama: String?
    var hf_repo: String?
    var gguf_repo: String?
    var source: String
    var memory: ModelMemoryTable
}

struct PriceDTO: Codable, Sendable { var street: Double?; var used: Double?; var launch: Double?; var as_of: String? }

struct HardwareSummaryDTO: Codable, Sendable {
    var id: String
    var name: String
    var vendor: String
    var kind: String
    var form: String?
    var memory_gib: Double
    var memory_options_gib: [Double]
    var bandwidth_gbs: Double
    var backends: [String]
    var tdp_w: Double?
    var price_usd: PriceDTO?
    var score: Int

    init(_ d: HardwareDevice, score: Int) {
        id = d.id; name = d.displayName; vendor = d.vendor; kind = d.kind.rawValue; form = d.form?.rawValue
        memory_gib = d.memoryChoicesGiB.max() ?? 0; memory_options_gib = d.memoryChoicesGiB; bandwidth_gbs = d.bandwidthGBs
        backends = d.backends.map(\.rawValue); tdp_w = d.tdpW
        price_usd = d.price.map { PriceDTO(street: $0.street, used: $0.used, launch: $0.launch, as_of: $0.asOf) }
        self.score = score
    }
}

struct HardwareSpecsDTO: Codable, Sendable {
    var memory_type: String?
    var bus_width_bits: Int?
    var fp16_tensor_tflops: Double?
    var fp32_tflops: Double?
    var pcie: String?
    var released: String?
    var gpu_cores: Int?
    var cpu_cores: Int?
    var gpu_max_alloc_gib: Double?
    var source: String
}

struct SelectionDTO: Codable, Sendable { var id: String; var name: String; var count: Int }

struct HardwareDetailDTO: Codable, Sendable {
    var hardware: HardwareSummaryDTO
    var selection: SelectionDTO
    var memory_gib: Double
    var usable_gpu_bytes: UInt64
    var specs: HardwareSpecsDTO
    var score: HardwareScore
    var chips: [WorkloadChip]
}

struct RuntimeDTO: Codable, Sendable {
    var id: String
    var name: String
    var url: String?
    var license: String?
    var os: [String]
    var backends: [String]
    var formats: [String]
    var multi_gpu: String?
    var server_api: String?
    var vision: String?
    var beginner: Bool
    var best_for: String?
    var caveat: String?
    var commands: Bool
    var source: String

    init(_ r: Runtime) {
        id = r.id; name = r.name; url = r.url; license = r.license; os = r.os; backends = r.backends.map(\.rawValue); formats = r.formats
        multi_gpu = r.multiGPU; server_api = r.serverAPI; vision = r.vision; beginner = r.beginner ?? false; best_for = r.bestFor
        caveat = r.caveat; commands = r.kind != nil; source = r.source
    }
}

struct SectionDTO: Codable, Sendable { var heading: String; var markdown: String }

struct GlossarySummaryDTO: Codable, Sendable { var slug: String; var term: String; var also_known_as: [String]; var category: String }

struct GlossaryTermDTO: Codable, Sendable {
    var slug: String
    var term: String
    var also_known_as: [String]
    var category: String
    var related: [String]
    var sources: [String]
    var reviewed: String?
    var sections: [SectionDTO]
    init(_ t: GlossaryTerm) {
        slug = t.slug; term = t.term; also_known_as = t.alsoKnownAs; category = t.category; related = t.related; sources = t.sources
        reviewed = t.reviewed; sections = t.sections.map { SectionDTO(heading: $0.heading, markdown: $0.markdown) }
    }
}

struct ErrorSummaryDTO: Codable, Sendable { var slug: String; var title: String; var category: String }

struct ErrorArticleDTO: Codable, Sendable {
    var slug: String
    var title: String
    var category: String
    var error_text: [String]
    var patterns: [String]
    var related: [String]
    var verified: String?
    var sources: [String]
    var sections: [SectionDTO]
    init(_ a: ErrorArticle) {
        slug = a.slug; title = a.title; category = a.category; error_text = a.errorText; patterns = a.patterns; related = a.related
        verified = a.verified; sources = a.sources; sections = a.sections.map { SectionDTO(heading: $0.heading, markdown: $0.markdown) }
    }
}

struct DiagnoseRequestDTO: Codable, Sendable { var log: String }

struct DiagnoseMatchDTO: Codable, Sendable {
    var slug: String
    var title: String
    var category: String
    var score: Int
    var lines: [LogDiagnosis.MatchedLine]
    var fix: String
    var url: String
}

struct DiagnoseResponseDTO: Codable, Sendable {
    var matches: [DiagnoseMatchDTO]
    var lines_read: Int
}

struct CompareDTO: Codable, Sendable {
    var kind: String
    var a: WillItRunAnswer
    var b: WillItRunAnswer
    /// Every side in order (2 to 4 hardware, or the two models); a and b are the first two.
    var answers: [WillItRunAnswer]
    /// b's expected decode ÷ a's (nil when a's is 0).
    var decode_ratio: Double?
    var prefill_ratio: Double?
    var summary: String
}

struct BenchmarkListDTO: Codable, Sendable { var runs: [BenchmarkRun]; var limit: Int; var offset: Int }

struct StatusChangeRequestDTO: Codable, Sendable { var status: String; var note: String?; var moderator: String? }

struct FeedbackRequestDTO: Codable, Sendable { var page: String; var message: String; var contact: String? }

struct FeedbackDTO: Codable, Sendable {
    var id: String?
    var page: String
    var message: String
    var contact: String?
    var created_at: Date?
    init(_ f: Feedback) { id = f.id; page = f.page; message = f.message; contact = f.contact; created_at = f.createdAt }
}

struct GuidesDTO: Codable, Sendable { var budget_usd: Double; var picks: [GuidePick] }

struct CostDTO: Codable, Sendable {
    var hardware: String
    var model: String
    var price_usd: Double
    /// Where the price came from: street, used, or given (the request's own). Added in v1.1.
    var price_basis: String
    var tdp_w: Double
    var decode_tps: Double
    /// The evidence behind decode_tps (as the will-it-run answer for the same question). Added in v1.1.
    var evidence: String?
    var report: CloudCostReport
}

struct HealthDTO: Codable, Sendable { var status: String; var models: Int; var hardware: Int; var benchmarks: Int }

/// `/api/v1/snapshot.json`: the catalog and the published runs in one versioned, hashed document (CC-BY-4.0).
struct SnapshotDTO: Encodable, Sendable {
    struct Contents: Encodable, Sendable {
        var models: [ModelSummaryDTO]
        var hardware: [HardwareSummaryDTO]
        var runtimes: [RuntimeDTO]
        var runs: [BenchmarkRun]
    }
    struct Counts: Encodable, Sendable { var models, hardware, runtimes, runs: Int }
    var schema_version: Int
    /// The first 12 hex digits of `content_sha256`: the same data, the same version.
    var version: String
    var license = "CC-BY-4.0"
    var license_url = "https://creativecommons.org/licenses/by/4.0/"
    var attribution = "RunLocalAI (catalog and benchmark runs; each run names its submitter and source)"
    /// SHA-256 of `data` as encoded here (sorted keys, ISO 8601 dates).
    var content_sha256: String
    var counts: Counts
    var data: Contents
}

/// `/api/v1/snapshots`: the archived days.
struct SnapshotDaysDTO: Encodable, Sendable { var today: String; var days: [String]; var urls: [String] }

struct ListDTO<T: Codable & Sendable>: Codable, Sendable { var count: Int; var items: [T] }
