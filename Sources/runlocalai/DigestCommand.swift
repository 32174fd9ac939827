import ArgumentParser
import Foundation
import RunLocalAIApp
import RunLocalAICore
import RunLocalAIStore

/// `runlocalai digest show|send`: the monthly digest as text, or mailed to the confirmed subscribers.
struct DigestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "The monthly digest: print it, or mail it to the readers who confirmed their subscription.",
        discussion: """
        The digest of a month lists the catalog's releases, the published runs measured that month, the regressions \
        they show and the methodology changes, from the data's own dates (the same as /digest/YYYY-MM).

        Examples:
          runlocalai digest show --month 2026-11
          runlocalai digest send --month 2026-11 --smtp smtp://127.0.0.1:25 --public-url https://runlocalai.example
        """,
        subcommands: [Show.self, Send.self])

    static func month(_ raw: String?, now: Date = Date()) throws -> String {
        guard let raw else {
            // The month before this one: a digest goes out once its month is over.
            let previous = Calendar(identifier: .gregorian).date(byAdding: .month, value: -1, to: now) ?? now
            return Digest.month(of: previous)
        }
        guard Digest.isMonth(raw) else { throw ValidationError("--month must be YYYY-MM, e.g. 2026-11") }
        return raw
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a month's digest as the mail would carry it.")
        @Option(help: "Month, YYYY-MM (default: last month).") var month: String?
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var catalogOptions: CatalogOptions
        @OptionGroup var contentOptions: ContentOptions

        func run() async throws {
            let m = try DigestCommand.month(month)
            let (catalog, changes) = try DigestCommand.load(catalogOptions, contentOptions)
            let (store, task, _) = try await storeOptions.open()
            defer { task?.cancel() }
            let mailer = DigestMailer(transport: NoTransport(), from: "digest", publicURL: "")
            let d = Digest.build(month: m, catalog: catalog, runs: try await store.allRuns(), changes: changes)
            let reader = DigestSubscriber(email: "reader@example.org", token: String(repeating: "0", count: 32), status: .confirmed, createdAt: Date())
            print(try mailer.digestMessage(d, catalog: catalog, to: reader).body)
        }
    }

    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mail a month's digest to every confirmed subscriber it has not gone to yet (running it again sends nothing twice).")
        @Option(help: "Month, YYYY-MM (default: last month).") var month: String?
        @OptionGroup var mailOptions: MailOptions
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var catalogOptions: CatalogOptions
        @OptionGroup var contentOptions: ContentOptions

        func run() async throws {
            let m = try DigestCommand.month(month)
            guard let mailer = try mailOptions.mailer(defaultURL: "http://127.0.0.1:8080") else { throw ValidationError("--smtp is required to send") }
            let (catalog, changes) = try DigestCommand.load(catalogOptions, contentOptions)
            let (store, task, description) = try await storeOptions.open()
            defer { task?.cancel() }
            let r = try await mailer.sendDigest(month: m, store: store, catalog: catalog, changes: changes)
            print("digest \(m): sent \(r.sent), already sent \(r.alreadySent), failed \(r.failed.count) (store: \(description))")
            for f in r.failed { print("  failed: \(f)") }
            if !r.failed.isEmpty { throw ExitCode(1) }
        }
    }

    static func load(_ c: CatalogOptions, _ content: ContentOptions) throws -> (Catalog, [MethodologyChange]) {
        let catalog = try c.load()
        guard let url = content.path.map({ URL(fileURLWithPath: $0) }) ?? Catalog.locate(explicit: c.path).flatMap({ ContentLoader.locate(besideCatalog: $0) }) else {
            return (catalog, [])
        }
        do { return (catalog, try ContentLoader.load(from: url, catalog: catalog).methodologyChanges) } catch { throw ValidationError("content: \(error)") }
    }
}

/// `digest show` renders without sending.
struct NoTransport: MailTransport { func send(_ message: MailMessage) async throws {} }
