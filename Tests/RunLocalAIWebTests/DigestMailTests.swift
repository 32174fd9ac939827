import Foundation
import Hummingbird
import HummingbirdTesting
import RunLocalAIApp
import RunLocalAICore
import RunLocalAIIO
import RunLocalAIStore
import RunLocalAITestSupport
import Synchronization
import Testing
@testable import RunLocalAIWeb

/// Keeps the mails it is asked to send.
final class MailRecorder: MailTransport {
    let sent = Mutex<[MailMessage]>([])
    func send(_ message: MailMessage) async throws { sent.withLock { $0.append(message) } }
    var messages: [MailMessage] { sent.withLock { $0 } }
}

/// A real SMTP server from PyPI (aiosmtpd) writing every message it receives to a maildir.
struct SMTPSink {
    let port: Int
    let maildir: URL
    let process: Process

    static var available: Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env"); p.arguments = ["python3", "-c", "import aiosmtpd"]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        do {
            try p.run()
            _ = out.fileHandleForReading.readDataToEndOfFile(); _ = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return p.terminationStatus == 0
        } catch { return false }
    }

    static func start() throws -> SMTPSink {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let port = 20_000 + Int.random(in: 0..<20_000)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:\(port)", "-c", "aiosmtpd.handlers.Mailbox", dir.appendingPathComponent("mail").path]
        let log = dir.appendingPathComponent("smtp.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        p.standardOutput = handle; p.standardError = handle
        try p.run()
        // Wait until it accepts connections.
        return SMTPSink(port: port, maildir: dir.appendingPathComponent("mail"), process: p)
    }

    /// Every message received, as text.
    var messages: [String] {
        let new = maildir.appendingPathComponent("new")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: new.path)) ?? []
        return names.sorted().compactMap { try? String(contentsOf: new.appendingPathComponent($0), encoding: .utf8) }
    }

    /// aiosmtpd's `-n` mode does not stop on SIGTERM: SIGKILL it.
    func stop() { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
}


@Suite("The digest by mail: double opt-in, unsubscribe, the month's digest through a real SMTP server", .serialized)
struct DigestMailTests {
    typealias F = APIFixture
    typealias P = PagesFixture

    static func token(in body: String) -> String? {
        guard let r = body.range(of: "token=") else { return nil }
        return String(body[r.upperBound...].prefix(32))
    }

    @Test("Sign up on the digest page: a confirmation mail, nothing more until its link is opened; every digest can be left by its link")
    func doubleOptIn() async throws {
        var s = try await F.site(adminToken: nil)
        let recorder = MailRecorder()
        s.mailer = DigestMailer(transport: recorder, from: "RunLocalAI <digest@example.org>", publicURL: "https://runlocalai.example/")
        let site = s
        let app = Application(router: buildRouter(site: site))
        try await app.test(.router) { client in
            let index = try await client.execute(uri: "/digest", method: .get) { String(buffer: $0.body) }
            #expect(index.contains("action=\"/digest/subscribe\""))
            let asked = try await P.post(client, "/digest/subscribe", form: [("email", "Reader@Example.org")])
            #expect(asked.status == .ok && asked.body.contains("Check your inbox"))
            let mail = try #require(recorder.messages.first)
            #expect(mail.to == "reader@example.org" && mail.body.contains("https://runlocalai.example/digest/confirm?token="))
            #expect(try await site.store.subscribers(status: .confirmed).isEmpty, "nothing before the link is opened")
            // Asking again says the same and resends the same link (the page never tells who subscribes).
            let again = try await P.post(client, "/digest/subscribe", form: [("email", "reader@example.org")])
            #expect(again.body.contains("Check your inbox"))
            let token = try #require(Self.token(in: mail.body))
            #expect(Self.token(in: recorder.messages.last!.body) == token)
            let confirmed = try await client.execute(uri: "/digest/confirm?token=\(token)", method: .get) { ($0.status, String(buffer: $0.body)) }
            #expect(confirmed.0 == .ok && confirmed.1.contains("Subscribed"))
            #expect(try await site.store.subscribers(status: .confirmed).count == 1)
            #expect(try await client.execute(uri: "/digest/confirm?token=\(String(repeating: "f", count: 32))", method: .get) { $0.status } == .notFound)
            // The digest mail carries its unsubscribe link; the link shows a button, the button unsubscribes.
            let reports = try await site.mailer!.sendDigest(month: "2026-09", store: site.store, catalog: site.catalog, changes: site.content.methodologyChanges)
            #expect(reports.sent == 1)
            let digest = recorder.messages.last!
            #expect(digest.headers.contains { $0.name == "List-Unsubscribe" && $0.value == "<https://runlocalai.example/digest/unsubscribe?token=\(token)>" })
            let form = try await client.execute(uri: "/digest/unsubscribe?token=\(token)", method: .get) { String(buffer: $0.body) }
            let stillConfirmed = try await site.store.subscribers(status: .confirmed).count
            #expect(form.contains("Unsubscribe") && stillConfirmed == 1, "opening the link alone changes nothing")
            let left = try await P.post(client, "/digest/unsubscribe", form: [("token", token)])
            #expect(left.status == .ok && left.body.contains("Unsubscribed"))
            #expect(try await site.store.subscribers(status: .confirmed).isEmpty)
            #expect(try await P.post(client, "/digest/subscribe", form: [("email", "not an address")]).status == .badRequest)
        }
        try await F.with(site) { c in
            let json: HTTPFields = [.contentType: "application/json"]
            let r = try await F.call(c, .post, "/api/v1/digest/subscribe", headers: json, body: #"{"email": "api@example.org"}"#)
            #expect(r.status == .accepted)
            F.expectError(try await F.call(c, .post, "/api/v1/digest/subscribe", headers: json, body: #"{"email": "nope"}"#), 400, code: "invalid_parameter", parameter: "email")
        }
        // Without --smtp the signup says the server has none (a 404, never a server error).
        let quiet = try await F.site(adminToken: nil)
        try await F.with(quiet) { c in
            let r = try await F.call(c, .post, "/api/v1/digest/subscribe", headers: [.contentType: "application/json"], body: #"{"email": "a@example.org"}"#)
            F.expectError(r, 404, code: "no_mail")
        }
    }

    @Test("`runlocalai digest send` mails the month's digest through a real SMTP server (aiosmtpd) to confirmed readers only, once",
          .enabled(if: SMTPSink.available, "pip install aiosmtpd (.ci/run installs it)"),
          .enabled(if: RunLocalAIBinary.path != nil, "build the runlocalai executable first (swift build)"))
    func sendThroughSMTP() async throws {
        let sink = try SMTPSink.start()
        defer { sink.stop() }
        for _ in 0..<100 {   // until it greets
            if (try? await SMTPTransport(url: "smtp://127.0.0.1:\(sink.port)").check()) != nil { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("digest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try SQLiteBenchmarkStore(path: dir.appendingPathComponent("runlocalai.sqlite").path)
        try await store.migrate()
        _ = try await store.importRuns([BenchmarkRun(model: "llama-3.1-8b", quant: "Q4_K_M", hardware: ["rtx-4070"], runtime: "llama.cpp", decodeTPS: 71.5,
                                                     measuredAt: BenchmarkRun.statedDate(in: "2026-10-14"), submitter: "t", source: "a test", status: .approved)])
        let confirmed = try await store.subscribe(email: "one@example.org", token: DigestSubscriber.newToken())
        _ = try await store.confirmSubscription(token: confirmed.token)
        _ = try await store.subscribe(email: "pending@example.org", token: DigestSubscriber.newToken())
        let args = ["digest", "send", "--month", "2026-10", "--smtp", "smtp://127.0.0.1:\(sink.port)", "--public-url", "https://runlocalai.example",
                    "--data-dir", dir.path]
        let first = try RunLocalAIBinary.run(args)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("sent 1, already sent 0, failed 0"))
        let mails = sink.messages
        #expect(mails.count == 1)
        let m = try #require(mails.first)
        #expect(m.contains("To: one@example.org") && m.contains("Subject: RunLocalAI digest 2026-10"))
        #expect(m.contains("71.5 tok/s") && m.contains("List-Unsubscribe: <https://runlocalai.example/digest/unsubscribe?token=\(confirmed.token)>"))
        let second = try RunLocalAIBinary.run(args)
        #expect(second.stdout.contains("sent 0, already sent 1"))
        #expect(sink.messages.count == 1, "nothing is sent twice")
        let refused = try RunLocalAIBinary.run(["digest", "send", "--smtp", "http://example.org", "--data-dir", dir.path])
        #expect(refused.status != 0 && refused.stderr.contains("smtp://"))
    }

    @Test("A header value never carries a line break, and a line starting with a dot survives SMTP")
    func messageSafety() throws {
        #expect(throws: MailMessage.HeaderError.self) { try MailMessage(from: "a@b.c", to: "x@y.z\r\nBcc: evil@example.org", subject: "s", body: "b") }
        let m = try MailMessage(from: "a@b.c", to: "x@y.z", subject: "Résumé", body: ".leading dot\nline two")
        let text = m.rendered(date: Date(timeIntervalSince1970: 0), messageID: "<1@x>")
        #expect(text.contains("Subject: =?utf-8?B?") && text.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000") && text.hasSuffix(".leading dot\r\nline two\r\n"))
    }
}
