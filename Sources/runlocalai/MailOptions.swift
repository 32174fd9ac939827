import ArgumentParser
import Foundation
import RunLocalAIApp
import RunLocalAIIO

/// How the digest goes out by mail: the SMTP relay, the sender, and the site's public address for the links.
struct MailOptions: ParsableArguments {
    @Option(help: "SMTP relay for the digest's mails, smtp://HOST[:PORT] (no TLS, no login: a relay that trusts this host). Without it the site sends no mail.")
    var smtp: String?
    @Option(name: .customLong("mail-from"), help: "Sender of the digest's mails.") var mailFrom: String = "RunLocalAI digest <digest@runlocalai.local>"
    @Option(name: .customLong("public-url"), help: "The site's address as readers reach it, for the links in mails (default: http://HOST:PORT it listens on).")
    var publicURL: String?

    func validate() throws {
        if let u = publicURL, !(u.hasPrefix("http://") || u.hasPrefix("https://")) || u.count > 200 {
            throw ValidationError("--public-url must be an http(s) address of at most 200 characters")
        }
        if let s = smtp { _ = try mailerTransport(s) }
    }

    func mailerTransport(_ url: String) throws -> SMTPTransport {
        do { return try SMTPTransport(url: url) } catch { throw ValidationError("\(error)") }
    }

    /// The mailer, or nil without --smtp.
    func mailer(defaultURL: String) throws -> DigestMailer? {
        guard let smtp else { return nil }
        return DigestMailer(transport: try mailerTransport(smtp), from: mailFrom, publicURL: publicURL ?? defaultURL)
    }
}
