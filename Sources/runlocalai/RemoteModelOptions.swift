import ArgumentParser
import RunLocalAIApp
import RunLocalAIIO

/// How `serve` and `will-it-run` read models named by a Hugging Face repository or a GGUF URL.
struct RemoteModelOptions: ParsableArguments {
    @Option(name: .customLong("model-host"), help: ArgumentHelp(
        "A host (or host:port) models may also be read from, over http or https, trusted as named: a mirror on your network. Repeatable. huggingface.co and hf.co (HTTPS, public addresses only) are always allowed.",
        valueName: "HOST[:PORT]"))
    var modelHosts: [String] = []
    @Option(help: "Most header bytes read for one remote model, in MiB (every part of a split model and its vision projector together).")
    var modelHeaderCap: Int = 64
    @Option(help: "Seconds one remote model may take to read, in all.")
    var modelTimeout: Double = 60
    @Flag(help: "Refuse models named by URL or repository (catalog names only).")
    var noRemoteModels = false

    func validate() throws {
        guard (1...1024).contains(modelHeaderCap) else { throw ValidationError("--model-header-cap must be 1...1024 MiB") }
        guard modelTimeout >= 1 && modelTimeout <= 600 else { throw ValidationError("--model-timeout must be 1...600 seconds") }
        for h in modelHosts where h.isEmpty || h.contains("/") || h.contains(" ") {
            throw ValidationError("--model-host '\(h)' is not a host: give HOST or HOST:PORT, e.g. --model-host mirror.local:8000")
        }
    }

    /// The reader these options describe, over the live transport; nil with --no-remote-models.
    func source() -> RemoteModelSource? {
        guard !noRemoteModels else { return nil }
        var policy = RemoteModelPolicy()
        policy.extraHosts = modelHosts.map { $0.lowercased() }
        policy.headerCapBytes = modelHeaderCap << 20
        policy.deadline = modelTimeout
        policy.requestTimeout = min(policy.requestTimeout, modelTimeout)
        return RemoteModelSource(transport: URLSessionHTTPTransport(), policy: policy, resolve: HostResolver.addresses)
    }
}
