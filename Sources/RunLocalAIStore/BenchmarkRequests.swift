import Foundation
import RunLocalAICore

/// A reader's request for a run that does not exist yet: a model (at a quantisation, or any) on a piece of hardware.
/// Requests are counted (one vote per voter) and listed by demand; a matching run that is published (approved or
/// reproduced) closes the request and links it.
///
/// ```swift
/// let r = try await store.requestRun(.init(model: "qwen3-32b", quant: "Q4_K_M", hardware: "rtx-5090", hardwareCount: 1), voter: digest)
/// r.request.votes   // 1, or one more than before when another voter asked for the same run; r.created: it is new
/// ```
public struct BenchmarkRequest: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable { case open, closed }
    /// What is asked for; `quant` nil is any quantisation.
    public struct Key: Sendable, Hashable, Codable {
        public var model: String
        public var quant: String?
        public var hardware: String
        public var hardwareCount: Int
        public init(model: String, quant: String?, hardware: String, hardwareCount: Int) {
            self.model = model; self.quant = quant; self.hardware = hardware; self.hardwareCount = hardwareCount
        }
        /// Whether a run answers this request.
        public func matches(_ run: BenchmarkRun) -> Bool {
            run.model == model && (quant == nil || run.quant == quant) && run.hardware == [hardware] && run.hardwareCount == hardwareCount
        }
    }
    public var id: String
    public var key: Key
    public var votes: Int
    public var status: Status
    public var createdAt: Date
    public var closedAt: Date?
    /// The published run that closed it.
    public var closedBy: String?
    public init(id: String, key: Key, votes: Int, status: Status, createdAt: Date, closedAt: Date? = nil, closedBy: String? = nil) {
        self.id = id; self.key = key; self.votes = votes; self.status = status; self.createdAt = createdAt; self.closedAt = closedAt; self.closedBy = closedBy
    }

    /// Statuses whose run is published: moving a run to one of these closes the requests it matches.
    public static let closingStatuses: Set<BenchmarkRun.Status> = [.approved, .reproduced, .independentlyReproduced]

    static func check(_ key: Key, voter: String) throws {
        for (field, value) in [("model", key.model), ("hardware", key.hardware), ("quant", key.quant ?? ""), ("voter", voter)]
        where value.utf8.count > StoreLimits.shortTextBytes {
            throw BenchmarkStoreError.fieldTooLarge(field: field, size: value.utf8.count, limit: StoreLimits.shortTextBytes)
        }
        guard !key.model.isEmpty, !key.hardware.isEmpty, !voter.isEmpty else {
            throw BenchmarkStoreError.invalidValue(field: "model", reason: "a request names a model, a piece of hardware and who asks")
        }
        guard (1...64).contains(key.hardwareCount) else {
            throw BenchmarkStoreError.invalidValue(field: "hardware_count", reason: "\(key.hardwareCount) is not 1...64")
        }
    }
}

extension BenchmarkStore {
    /// The open requests, most wanted first.
    public func openRequests(limit: Int = 100) async throws -> [BenchmarkRequest] { try await benchmarkRequests(status: .open, limit: limit) }
}
