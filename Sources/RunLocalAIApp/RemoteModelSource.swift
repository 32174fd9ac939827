import Foundation
import RunLocalAICore
import Synchronization

/// A model read from GGUF headers on a remote host: the profile the engine plans, and where it came from.
///
/// ```swift
/// let m = try await source.model(RemoteModelReference("ggml-org/gemma-3-4b-it-GGUF")!, client: "203.0.113.9")
/// m.profile.weights.fileBytes; m.file; m.mmproj
/// ```
public struct RemoteModel: Sendable {
    public var profile: ModelProfile
    /// The model file's URL (a split model's first part).
    public var file: String
    /// The vision projector's URL, when the repository has one.
    public var mmproj: String?
    /// The file's entity tag, when the server sent one.
    public var etag: String?
    public var fetchedAt: Date
}

/// Reads remote models for the site, the API and the CLI: resolves a repository to its files, reads only their
/// headers (range requests, each part of a split model, the vision projector) through the ``GuardedTransport``,
/// and keeps what it read keyed by URL and entity tag, so a popular model is read once. Concurrent requests for the
/// same model share one read; a client may start only a few new reads a minute.
///
/// ```swift
/// let source = RemoteModelSource(transport: URLSessionHTTPTransport(), policy: RemoteModelPolicy(), resolve: HostResolver.addresses)
/// let model = try await source.model(.file(url), client: "203.0.113.9")
/// ```
public final class RemoteModelSource: Sendable {
    public let policy: RemoteModelPolicy
    let transport: any HTTPRangeTransport
    let resolve: @Sendable (String) async -> [String]
    let now: @Sendable () -> Date
    let limiter: RateLimiter
    /// Read models by file URL.
    let models = BoundedCache<String, RemoteModel>(capacity: 256)
    /// Repository (and quantisation) -> file URLs, for ``RemoteModelPolicy/freshSeconds``.
    let repos = BoundedCache<String, RepoChoice>(capacity: 512, ttl: .seconds(600))
    let inFlight = Mutex<[String: Task<RemoteModel, any Error>]>([:])

    struct RepoChoice: Sendable { var file: URL; var mmproj: URL? }

    public init(transport: any HTTPRangeTransport, policy: RemoteModelPolicy = RemoteModelPolicy(),
                resolve: @escaping @Sendable (String) async -> [String], now: @escaping @Sendable () -> Date = Date.init) {
        self.transport = transport; self.policy = policy; self.resolve = resolve; self.now = now
        self.limiter = RateLimiter(burst: policy.burstPerClient, ratePerSecond: policy.perMinutePerClient / 60, now: now)
    }

    /// The cache's counts, for `/metrics`.
    public var cacheStats: CacheStats { models.stats }

    /// The model a reference names, read within the policy's deadline. `quant` picks a repository's file when the
    /// reference does not name one (`OWNER/NAME:Q8_0`); a file URL is what it is.
    public func model(_ ref: RemoteModelReference, quant: String = Question.defaultQuant, client: String) async throws(RemoteModelError) -> RemoteModel {
        do {
            // Refused hosts cost nothing; a model already read costs nothing; a new read takes one of the client's tokens.
            switch ref {
            case .file(let url): _ = try policy.check(url)
            case .repo(let repo, _): _ = try policy.check(repo.listingURL)
            }
            if let hit = cached(ref, quant: quant) { return hit }
            try take(client)
            return try await withDeadline { [self] in
                let choice = try await self.files(ref, quant: quant)
                return try await self.read(choice)
            }
        } catch let e as RemoteModelError { throw e }
        catch { throw Self.describe(error) }
    }

    /// The file (and vision projector) a reference names, without reading their headers: what `catalog add` reads.
    public func locate(_ ref: RemoteModelReference, quant: String = Question.defaultQuant) async throws(RemoteModelError) -> (file: String, mmproj: String?) {
        do {
            let choice = try await withDeadline { [self] in try await self.files(ref, quant: quant) }
            return (choice.file.absoluteString, choice.mmproj?.absoluteString)
        } catch { throw Self.describe(error) }
    }

    // MARK: Files

    /// The model when both its file choice and its header are in the cache and fresh.
    func cached(_ ref: RemoteModelReference, quant: String) -> RemoteModel? {
        guard let choice = repos.lookup(choiceKey(ref, quant: quant)), let hit = models.lookup(modelKey(choice)),
              now().timeIntervalSince(hit.fetchedAt) < policy.freshSeconds else { return nil }
        return hit
    }

    func choiceKey(_ ref: RemoteModelReference, quant: String) -> String {
        switch ref {
        case .file(let url): url.absoluteString
        case .repo(_, let q): ref.text + "|" + (q ?? quant)
        }
    }

    func modelKey(_ choice: RepoChoice) -> String { choice.file.absoluteString + "|" + (choice.mmproj?.absoluteString ?? "") }

    func files(_ ref: RemoteModelReference, quant wanted: String) async throws -> RepoChoice {
        let key = choiceKey(ref, quant: wanted)
        if let hit = repos.lookup(key) { return hit }
        switch ref {
        case .file(let url):
            // A Hugging Face file URL: the repository may have a projector for it.
            var mmproj: URL?
            if let repo = RemoteRepo(fileURL: url), let listing = try? await listing(repo) {
                mmproj = RepoFiles.mmproj(listing).map(repo.fileURL)
            }
            let choice = RepoChoice(file: url, mmproj: mmproj)
            repos.store(key, choice)
            return choice
        case .repo(let repo, let quant):
            let listing = try await listing(repo)
            let chosen = try RepoFiles.choose(listing, quant: quant ?? wanted)
            let choice = RepoChoice(file: repo.fileURL(chosen.model), mmproj: RepoFiles.mmproj(listing).map(repo.fileURL))
            repos.store(key, choice)
            return choice
        }
    }

    /// The file names of a repository (`siblings[].rfilename` of the models API).
    func listing(_ repo: RemoteRepo) async throws -> [String] {
        let guarded = GuardedTransport(inner: transport, policy: policy, resolve: resolve)
        var url = repo.listingURL
        for _ in 0..<4 {
            let response = try await guarded.get(HTTPRangeRequest(url: url, range: nil, headers: ["Accept": "application/json", "User-Agent": "runlocalai"],
                                                                  timeout: policy.requestTimeout, maxBodyBytes: policy.listingCapBytes), progress: nil)
            switch response.status {
            case 200:
                struct Listing: Decodable { struct File: Decodable { var rfilename: String }; var siblings: [File]? }
                guard let decoded = try? JSONDecoder().decode(Listing.self, from: Data(response.body)), let files = decoded.siblings else {
                    throw RemoteModelError(.upstream, "\(repo.host) did not send a file listing for \(repo.owner)/\(repo.name)", fix: "give the .gguf file's URL instead")
                }
                return files.map(\.rfilename)
            case 301, 302, 307, 308:
                guard let next = response.headers["location"].flatMap({ URL(string: $0, relativeTo: url)?.absoluteURL }) else {
                    throw RemoteModelError(.upstream, "\(repo.host) redirected the listing of \(repo.owner)/\(repo.name) without a usable Location", fix: "give the .gguf file's URL instead")
                }
                url = next
            case 401, 403:
                throw RemoteModelError(.gated, "\(repo.owner)/\(repo.name) is gated or private", fix: "accept its licence on the website, then use `runlocalai will-it-run --gguf URL` with HF_TOKEN set on your own machine")
            case 404:
                throw RemoteModelError(.notFound, "there is no repository \(repo.owner)/\(repo.name) on \(repo.host)", fix: "check the name (OWNER/NAME as on the model's page)")
            default:
                throw RemoteModelError(.upstream, "\(repo.host) answered HTTP \(response.status) for \(repo.owner)/\(repo.name)", fix: "try again later")
            }
        }
        throw RemoteModelError(.upstream, "too many redirects listing \(repo.owner)/\(repo.name)", fix: "give the .gguf file's URL instead")
    }

    // MARK: Headers

    func read(_ choice: RepoChoice) async throws -> RemoteModel {
        let key = modelKey(choice)
        if let hit = models.lookup(key) {
            if now().timeIntervalSince(hit.fetchedAt) < policy.freshSeconds { return hit }
            // Stale: reuse it if the file's entity tag is unchanged (one small request).
            if let tag = hit.etag, let current = try? await etag(of: Self.taggedPart(choice.file)), current == tag {
                var renewed = hit
                renewed.fetchedAt = now()
                models.store(key, renewed)
                return renewed
            }
        }
        let task: Task<RemoteModel, any Error> = inFlight.withLock { running in
            if let t = running[key] { return t }
            let t = Task { [self] in try await self.readHeaders(choice) }
            running[key] = t
            return t
        }
        defer { _ = inFlight.withLock { $0.removeValue(forKey: key) } }
        let model = try await task.value
        models.store(key, model)
        return model
    }

    func readHeaders(_ choice: RepoChoice) async throws -> RemoteModel {
        let guarded = GuardedTransport(inner: transport, policy: policy, resolve: resolve)
        let inspector = GGUFInspector(transport: guarded)
        let location = choice.file.absoluteString
        let gguf = try await inspector.inspect(location)
        let projector: GGUFModel? = try await choice.mmproj.asyncMap { try await inspector.inspect($0.absoluteString) }
        // The tag came with the header's own bytes: no request of its own.
        let tag = gguf.file.entityTag
        let profile = try ModelProfile(gguf: gguf, path: location, mmproj: projector)
        return RemoteModel(profile: profile, file: location, mmproj: choice.mmproj?.absoluteString, etag: tag, fetchedAt: now())
    }

    /// The file whose entity tag a model's header keeps: the first part of a split model (the merged header is the
    /// first part's, tag included), else the file itself.
    static func taggedPart(_ file: URL) -> URL {
        guard let split = GGUFSplitName(file.absoluteString), split.part > 1 else { return file }
        return URL(string: split.location(ofPart: 1)) ?? file
    }

    /// The entity tag of a file (a 4-byte range request, redirects followed).
    func etag(of url: URL) async throws -> String? {
        let source = HTTPByteSource(url: url, transport: GuardedTransport(inner: transport, policy: policy, resolve: resolve), timeout: policy.requestTimeout)
        _ = try await source.read(offset: 0, length: 4)
        return await source.etag
    }

    func take(_ client: String) throws(RemoteModelError) {
        if let wait = limiter.take(client) {
            throw RemoteModelError(.rateLimited, "too many new remote models from your address", fix: "wait \(wait) s, or ask about a catalog model", retryAfter: wait)
        }
    }

    func withDeadline<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) async throws -> T {
        let seconds = policy.deadline
        return try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await work() }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                throw RemoteModelError(.timeout, "the model's host did not send its header within \(Int(seconds)) s", fix: "try again later, or inspect the file on your own machine")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    /// A reader's or transport's error in the words of ``RemoteModelError``.
    static func describe(_ error: any Error) -> RemoteModelError {
        if let e = error as? RemoteModelError { return e }
        if let e = error as? GGUFError {
            switch e.kind {
            case .http:
                if e.problem.hasPrefix("HTTP 401") || e.problem.hasPrefix("HTTP 403") { return RemoteModelError(.gated, e.problem, fix: e.hint) }
                if e.problem.hasPrefix("HTTP 404") { return RemoteModelError(.notFound, e.problem, fix: e.hint) }
                if e.problem.contains("timed out") { return RemoteModelError(.timeout, e.problem, fix: "try again later") }
                return RemoteModelError(.upstream, e.problem, fix: e.hint)
            case .missingSplitPart: return RemoteModelError(.notFound, e.problem, fix: e.hint)
            default:
                return RemoteModelError(.notGGUF, "not a GGUF model: " + e.description, fix: "give a .gguf file of a language model (llama.cpp's format)")
            }
        }
        if error is CancellationError { return RemoteModelError(.timeout, "the read was cancelled", fix: "try again") }
        return RemoteModelError(.upstream, "the remote read failed: \(error)", fix: "try again later")
    }
}

extension Optional {
    /// `map` with an async transform.
    public func asyncMap<T>(_ f: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await f(self)
    }
}
