import ArgumentParser
import Foundation
import RunLocalAICore
import RunLocalAIIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `runlocalai inspect FILE|URL [--mmproj FILE|URL] [--json]`: reads a GGUF header (locally or with a
/// few HTTP range requests) and prints what the model is.
///
/// ```
/// $ runlocalai inspect gemma-3-270m-Q4_K_M.gguf
/// $ runlocalai inspect https://huggingface.co/org/repo/resolve/main/model-Q4_K_M.gguf --json
/// ```
struct Inspect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Read a GGUF model's header (local file or URL) and print its architecture and quantization.",
        discussion: """
        Only the header is read, never the weights: a local file of any size takes milliseconds and a \
        remote one a few HTTP range requests. Pass the first part of a split model \
        (NAME-00001-of-0000N.gguf); all parts are read. Set HF_TOKEN for gated Hugging Face models.
        """)

    @Argument(help: "Path or http(s) URL of a .gguf file.")
    var model: String

    @Option(name: .long, help: "Path or URL of a vision projector (mmproj) .gguf file.")
    var mmproj: String?

    @Flag(name: .long, help: "Print a JSON object (snake_case keys) instead of text.")
    var json = false

    @Flag(name: .long, help: ArgumentHelp("Print the header read time to stderr.", visibility: .hidden))
    var timing = false

    func run() async throws {
        let remote = GGUFInspector.isRemote(model) || mmproj.map(GGUFInspector.isRemote) == true
        let showProgress = remote && isatty(STDERR_FILENO) == 1
        var headers: [String: String] = [:]
        if let token = ProcessInfo.processInfo.environment["HF_TOKEN"], !token.isEmpty {
            headers["Authorization"] = "Bearer \(token)"
        }
        var progress: GGUFProgressHandler?
        if showProgress {
            progress = { @Sendable (bytes: UInt64) in
                let text = "\rreading header… \(bytes / 1024) KiB"
                FileHandle.standardError.write(Data(text.utf8))
            }
        }
        let inspector = GGUFInspector(transport: URLSessionHTTPTransport(), headers: headers, progress: progress)
        do {
            let start = ContinuousClock.now
            let main = try await inspector.inspect(model)
            var projector: GGUFModel?
            if let mmproj { projector = try await inspector.inspect(mmproj) }
            let elapsed = ContinuousClock.now - start
            if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            if timing {
                let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
                FileHandle.standardError.write(Data("header read in \(ms) ms\n".utf8))
            }
            let report = GGUFInspectionReport(model: main, source: model, mmproj: projector, mmprojSource: mmproj)
            print(json ? report.json : report.text, terminator: "")
        } catch let error as GGUFError {
            if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
    }
}
