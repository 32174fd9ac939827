import Foundation

/// The built `runlocalai` executable, run as a user runs it, with the repository's catalog.
///
/// ```swift
/// let r = try RunLocalAIBinary.run(["will-it-run", "--model", "llama 3.1 8b", "--hardware", "rtx-4090", "--json"])
/// r.status   // 0
/// ```
public enum RunLocalAIBinary {
    public static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The debug or release build, whichever exists.
    public static let path: String? = {
        [".build/debug/runlocalai", ".build/release/runlocalai"].map { repoRoot.appendingPathComponent($0).path }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    public struct Result: Sendable { public var status: Int32; public var stdout: String; public var stderr: String }

    public struct NotBuilt: Error, CustomStringConvertible { public var description: String { "build the runlocalai executable first (swift build)" } }

    /// Runs it to the end with `args` and `--catalog` set to the repository's catalog.
    public static func run(_ args: [String]) throws -> Result {
        guard let path else { throw NotBuilt() }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args + ["--catalog", repoRoot.appendingPathComponent("catalog").path]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }
}
