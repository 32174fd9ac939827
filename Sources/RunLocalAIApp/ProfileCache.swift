import Foundation
import RunLocalAICore

/// The application's profile source: synthesised profiles per (model, quantisation), kept in the one bounded
/// cache type. Synthesising costs about a millisecond, planning on a profile a few microseconds.
///
/// ```swift
/// let profiles = ProfileCache(capacity: 2048)
/// let p = profiles.profile(model: llama, mix: QuantMix(name: "Q4_K_M")!)
/// ```
public final class ProfileCache: ProfileSource, @unchecked Sendable {
    struct Key: Hashable, Sendable { var model: String; var quant: String }
    private let cache: BoundedCache<Key, ModelProfile>

    public init(capacity: Int = 512) { cache = BoundedCache(capacity: capacity) }

    /// Lookups served, synthesised, and profiles held.
    public var stats: CacheStats { cache.stats }

    public func profile(model: CatalogModel, mix: QuantMix) -> ModelProfile {
        cache.value(for: Key(model: model.id, quant: mix.name)) { ModelProfile(model: model, mix: mix) }
    }

    public var count: Int { cache.count }
    public var capacity: Int { cache.capacity }
}
