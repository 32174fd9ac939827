import Foundation
import RunLocalAICore

/// A reader signed up for the monthly digest by mail, with double opt-in: `pending` until the link in the confirmation
/// mail is opened, then `confirmed`; `unsubscribed` by the link in every digest. The token is the only key a link
/// carries (random, 32 hex digits); the address is stored lowercased and never shown.
///
/// ```swift
/// let s = try await store.subscribe(email: "reader@example.org", token: DigestSubscriber.newToken())
/// try await store.confirmSubscription(token: s.token)?.status   // .confirmed
/// ```
public struct DigestSubscriber: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, CaseIterable { case pending, confirmed, unsubscribed }
    public var email: String
    public var token: String
    public var status: Status
    public var createdAt: Date
    public var confirmedAt: Date?
    public init(email: String, token: String, status: Status, createdAt: Date, confirmedAt: Date? = nil) {
        self.email = email; self.token = token; self.status = status; self.createdAt = createdAt; self.confirmedAt = confirmedAt
    }

    /// 128 random bits as 32 hex digits.
    public static func newToken() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
    }

    /// The address as stored, or why it is refused: one `@`, a dotted domain, at most 254 bytes, no spaces, controls
    /// or line breaks (a mail header must never be split by what a reader typed).
    public static func normalised(_ raw: String) throws -> String {
        let e = raw.trimmingCharacters(in: .whitespaces).lowercased()
        let parts = e.split(separator: "@", omittingEmptySubsequences: false)
        guard e.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 64,
              parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."), !parts[1].contains(".."),
              e.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && !"<>()[],;:\\\"".unicodeScalars.contains($0) }) else {
            throw BenchmarkStoreError.invalidValue(field: "email", reason: "'\(raw.prefix(80))' is not a mail address (name@example.org)")
        }
        return e
    }

    static func checkToken(_ t: String) -> Bool { t.utf8.count == 32 && t.allSatisfy { $0.isHexDigit } }
}
