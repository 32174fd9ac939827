import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RunLocalAICore

// The C calls by other names: the transport's own `send(_:)` and `connect()` would shadow them.
private func socketSend(_ fd: Int32, _ p: UnsafeRawPointer?, _ n: Int) -> Int {
    #if canImport(Glibc)
    return send(fd, p, n, Int32(MSG_NOSIGNAL))
    #else
    return send(fd, p, n, 0)
    #endif
}
private func socketConnect(_ fd: Int32, _ a: UnsafePointer<sockaddr>!, _ len: socklen_t) -> Int32 { connect(fd, a, len) }

/// A minimal SMTP client (RFC 5321) for a relay the operator runs: `smtp://host[:port]` (default port 25), no
/// authentication and no TLS — point it at a local relay (Postfix, a provider's relay on a private network) that
/// delivers onwards. Each message is one connection: EHLO, MAIL FROM, RCPT TO, DATA (dot-stuffed), QUIT; every reply
/// is checked and a refusal is an error that quotes the server. Blocking socket calls run off the async executor.
///
/// ```swift
/// let smtp = try SMTPTransport(url: "smtp://127.0.0.1:2525")
/// try await smtp.send(message)
/// ```
public struct SMTPTransport: MailTransport {
    public struct SMTPError: Error, CustomStringConvertible, Sendable { public var description: String }
    public let host: String
    public let port: UInt16
    public let timeoutSeconds: Int
    public let heloName: String

    public init(url: String, timeoutSeconds: Int = 15, heloName: String = "runlocalai.local") throws {
        guard let u = URLComponents(string: url), u.scheme == "smtp", let h = u.host, !h.isEmpty else {
            throw SMTPError(description: "--smtp '\(url.prefix(80))' is not smtp://HOST[:PORT] (a relay without TLS or login, e.g. smtp://127.0.0.1:25)")
        }
        guard u.user == nil, u.password == nil else {
            throw SMTPError(description: "--smtp takes no user or password: this client sends without TLS, so it only talks to a relay that trusts this host")
        }
        host = h; port = UInt16(u.port ?? 25); self.timeoutSeconds = timeoutSeconds; self.heloName = heloName
    }

    public func send(_ message: MailMessage) async throws {
        let text = message.rendered(date: Date(), messageID: "<\(UUID().uuidString.lowercased())@\(heloName)>")
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, Error>) in
            DispatchQueue.global().async {
                do { try self.exchange(from: Self.address(message.from), to: Self.address(message.to), data: text); c.resume() } catch { c.resume(throwing: error) }
            }
        }
    }

    /// Connects, reads the relay's greeting and says QUIT: whether mail can go out (`serve` checks it at start).
    public func check() async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, Error>) in
            DispatchQueue.global().async {
                do {
                    let fd = try self.connect()
                    defer { close(fd) }
                    var chunk = [UInt8](repeating: 0, count: 512)
                    let n = recv(fd, &chunk, chunk.count, 0)
                    guard n >= 3, String(decoding: chunk[..<3], as: UTF8.self) == "220" else {
                        throw SMTPError(description: "\(self.host):\(self.port) did not greet as an SMTP server")
                    }
                    _ = socketSend(fd, "QUIT\r\n", 6)
                    c.resume()
                } catch { c.resume(throwing: error) }
            }
        }
    }

    /// The bare address of "Name <a@b>" or "a@b".
    static func address(_ s: String) -> String {
        if let l = s.lastIndex(of: "<"), let r = s.lastIndex(of: ">"), l < r { return String(s[s.index(after: l)..<r]) }
        return s.trimmingCharacters(in: .whitespaces)
    }

    func exchange(from: String, to: String, data: String) throws {
        let fd = try connect()
        defer { close(fd) }
        var buffer = [UInt8]()
        func reply(_ expect: Int, _ step: String) throws {
            // A reply is lines "NNN-text" ending with "NNN text".
            while true {
                if let end = buffer.firstIndex(of: 10) {
                    let line = String(decoding: buffer[..<end], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                    buffer.removeSubrange(...end)
                    guard line.count >= 3, let code = Int(line.prefix(3)) else { throw SMTPError(description: "\(host):\(port) answered '\(line.prefix(120))' to \(step)") }
                    if line.count > 3, line[line.index(line.startIndex, offsetBy: 3)] == "-" { continue }
                    guard code / 100 == expect / 100 else { throw SMTPError(description: "\(host):\(port) refused \(step): \(line.prefix(200))") }
                    return
                }
                var chunk = [UInt8](repeating: 0, count: 4096)
                let n = recv(fd, &chunk, chunk.count, 0)
                guard n > 0 else { throw SMTPError(description: "\(host):\(port) closed the connection (or did not answer in \(timeoutSeconds) s) during \(step)") }
                buffer += chunk[..<n]
                guard buffer.count < 1 << 20 else { throw SMTPError(description: "\(host):\(port) sent an over-long reply") }
            }
        }
        func say(_ line: String) throws {
            let bytes = Array((line + "\r\n").utf8)
            var sent = 0
            while sent < bytes.count {
                let n = bytes[sent...].withUnsafeBytes { socketSend(fd, $0.baseAddress, $0.count) }
                guard n > 0 else { throw SMTPError(description: "writing to \(host):\(port) failed (errno \(errno))") }
                sent += n
            }
        }
        try reply(220, "the greeting")
        try say("EHLO \(heloName)"); try reply(250, "EHLO")
        try say("MAIL FROM:<\(from)>"); try reply(250, "MAIL FROM")
        try say("RCPT TO:<\(to)>"); try reply(250, "RCPT TO <\(to)>")
        try say("DATA"); try reply(354, "DATA")
        // Dot-stuffing: a line that starts with "." gets another.
        let stuffed = data.split(separator: "\r\n", omittingEmptySubsequences: false).map { $0.hasPrefix(".") ? "." + $0 : String($0) }
        try say(stuffed.joined(separator: "\r\n") + "\r\n.")
        try reply(250, "the message")
        try? say("QUIT")
    }

    func connect() throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var res: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &res) == 0, let first = res else {
            throw SMTPError(description: "cannot resolve the SMTP host '\(host)'")
        }
        defer { freeaddrinfo(res) }
        var p: UnsafeMutablePointer<addrinfo>? = first
        while let a = p {
            let fd = socket(a.pointee.ai_family, a.pointee.ai_socktype, a.pointee.ai_protocol)
            if fd >= 0 {
                var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
                if socketConnect(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0 { return fd }
                close(fd)
            }
            p = a.pointee.ai_next
        }
        throw SMTPError(description: "cannot connect to the SMTP relay \(host):\(port)")
    }
}
