import Foundation

/// A plain-text mail (UTF-8), rendered as RFC 5322 for an SMTP `DATA` section. Header values never carry a line break:
/// a value with one is refused, so nothing a reader typed can add a header.
///
/// ```swift
/// let m = try MailMessage(from: "digest@example.org", to: "reader@example.org", subject: "Confirm", body: "Open this link…")
/// m.rendered(date: Date(), messageID: "<1@example.org>")
/// ```
public struct MailMessage: Sendable, Hashable {
    public var from: String
    public var to: String
    public var subject: String
    public var body: String
    /// Extra headers (`List-Unsubscribe`), in order.
    public var headers: [(name: String, value: String)]

    public struct HeaderError: Error, CustomStringConvertible, Sendable { public var description: String }

    public init(from: String, to: String, subject: String, body: String, headers: [(name: String, value: String)] = []) throws {
        for (n, v) in [("From", from), ("To", to), ("Subject", subject)] + headers where v.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) || n.contains(":") {
            throw HeaderError(description: "the \(n) header would contain a line break; refused")
        }
        self.from = from; self.to = to; self.subject = subject; self.body = body; self.headers = headers
    }

    public static func == (a: MailMessage, b: MailMessage) -> Bool {
        a.from == b.from && a.to == b.to && a.subject == b.subject && a.body == b.body && a.headers.map(\.name) == b.headers.map(\.name) && a.headers.map(\.value) == b.headers.map(\.value)
    }
    public func hash(into h: inout Hasher) { h.combine(from); h.combine(to); h.combine(subject); h.combine(body) }

    /// The message as sent: headers, a blank line, the body with CRLF line ends (the SMTP client dot-stuffs it).
    public func rendered(date: Date, messageID: String) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = TimeZone(identifier: "UTC"); f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        var lines = ["From: \(from)", "To: \(to)", "Subject: \(Self.encodeHeader(subject))", "Date: \(f.string(from: date))", "Message-ID: \(messageID)",
                     "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"]
        lines += headers.map { "\($0.name): \($0.value)" }
        let text = body.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + text + "\r\n"
    }

    /// RFC 2047 encoded-word for a header with non-ASCII text.
    static func encodeHeader(_ s: String) -> String {
        s.unicodeScalars.allSatisfy({ $0.isASCII }) ? s : "=?utf-8?B?\(Data(s.utf8).base64EncodedString())?="
    }
}

/// Sends mail: injected (the SMTP client lives in RunLocalAIIO; tests pass a recorder).
public protocol MailTransport: Sendable {
    func send(_ message: MailMessage) async throws
}
