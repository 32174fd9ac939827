import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RunLocalAIApp
import RunLocalAICore
import RunLocalAIIO

/// Runs external tools with a deadline: the child (with its process group) is killed when it runs past
/// it (SIGTERM, then SIGKILL a second later), output is captured up to a bound, and a missing tool, a crash, a non-zero exit or a
/// timeout each come back as a ``ToolOutput`` with a clear status, never as a hang.
///
/// ```swift
/// let out = await ProcessRunner.run("nvidia-smi", NvidiaSMI.arguments, timeout: 10)
/// out.failureReason(tool: "nvidia-smi")   // nil, "nvidia-smi not found", "nvidia-smi: timed out after 10 s", ...
/// ```
public enum ProcessRunner {
    /// The first executable named `name` in `directories`, then on PATH (a path with a slash is checked as is).
    public static func which(_ name: String, in directories: [String] = [], environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let fm = FileManager.default
        if name.contains("/") { return fm.isExecutableFile(atPath: name) ? name : nil }
        let path = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        for dir in directories + path where !dir.isEmpty {
            let candidate = (dir as NSString).appendingPathComponent(name)
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: candidate, isDirectory: &isDir), !isDir.boolValue, fm.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }

    /// Output collected from a pipe, keeping at most `limit` bytes (the start; the rest is counted, not kept).
    final class Capture: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        private var dropped = 0
        private var ended = false
        let limit: Int
        var atEnd: Bool { lock.lock(); defer { lock.unlock() }; return ended }
        func end() { lock.lock(); ended = true; lock.unlock() }
        init(limit: Int) { self.limit = limit }
        func append(_ chunk: Data) {
            lock.lock(); defer { lock.unlock() }
            let room = max(0, limit - data.count)
            if chunk.count <= room { data.append(chunk) } else {
                data.append(chunk.prefix(room)); dropped += chunk.count - room
            }
        }
        var text: String {
            lock.lock(); defer { lock.unlock() }
            var s = String(decoding: data, as: UTF8.self)
            if dropped > 0 { s += "\n[… \(dropped) more bytes not kept]" }
            return s
        }
    }

    /// Runs `executable` (a path, or a name looked up on PATH) with `arguments`.
    /// - Parameters:
    ///   - timeout: seconds before the child is killed.
    ///   - maxOutput: bytes of stdout and of stderr kept.
    ///   - monitor: called about every 100 ms with the child's pid while it runs (memory sampling).
    public static func run(_ executable: String, _ arguments: [String], timeout: Double = 10, maxOutput: Int = 4 << 20,
                    environment: [String: String]? = nil, monitor: (@Sendable (Int32) -> Void)? = nil) async -> ToolOutput {
        guard let path = which(executable) else { return .notFound }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let outPipe = Pipe(), errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = FileHandle.nullDevice
        let out = Capture(limit: maxOutput), err = Capture(limit: maxOutput)
        outPipe.fileHandleForReading.readabilityHandler = { h in
            let d = h.availableData
            if d.isEmpty { h.readabilityHandler = nil; out.end() } else { out.append(d) }
        }
        errPipe.fileHandleForReading.readabilityHandler = { h in
            let d = h.availableData
            if d.isEmpty { h.readabilityHandler = nil; err.end() } else { err.append(d) }
        }
        do { try process.run() } catch {
            outPipe.fileHandleForReading.readabilityHandler = nil
            errPipe.fileHandleForReading.readabilityHandler = nil
            return ToolOutput(status: .failed("cannot start \(path): \(error.localizedDescription)"), exitCode: -1)
        }
        let pid = process.processIdentifier
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        var timedOut = false
        var cancelled = false
        while process.isRunning {
            if Task.isCancelled || ContinuousClock.now >= deadline {
                timedOut = !Task.isCancelled
                cancelled = Task.isCancelled
                // The child leads its own process group: stop the group, so helpers it started go too.
                let group = getpgid(pid) == pid
                kill(group ? -pid : pid, SIGTERM)
                let grace = ContinuousClock.now + .seconds(1)
                while process.isRunning && ContinuousClock.now < grace { usleep(20_000) }
                if process.isRunning || group { kill(group ? -pid : pid, SIGKILL) }
                break
            }
            monitor?(pid)
            try? await Task.sleep(for: .milliseconds(process.isRunning ? 100 : 0))
        }
        // Wait for the exit to be reaped (bounded: a SIGKILLed child goes at once).
        let reap = ContinuousClock.now + .seconds(2)
        while process.isRunning && ContinuousClock.now < reap { usleep(10_000) }
        // Let the pipes deliver what is left (up to a second: a grandchild may hold them open), then stop reading.
        let drain = ContinuousClock.now + .seconds(1)
        while !(out.atEnd && err.atEnd) && ContinuousClock.now < drain { usleep(10_000) }
        outPipe.fileHandleForReading.readabilityHandler = nil
        errPipe.fileHandleForReading.readabilityHandler = nil
        if cancelled {
            return ToolOutput(status: .failed("stopped (cancelled)"), exitCode: -1, stdout: out.text, stderr: err.text)
        }
        if timedOut {
            return ToolOutput(status: .failed(String(format: "timed out after %.0f s and was stopped", timeout)), exitCode: -1,
                              stdout: out.text, stderr: err.text)
        }
        if process.isRunning {
            return ToolOutput(status: .failed("did not exit"), exitCode: -1, stdout: out.text, stderr: err.text)
        }
        if process.terminationReason == .uncaughtSignal {
            return ToolOutput(status: .failed("crashed (signal \(process.terminationStatus))"), exitCode: -1,
                              stdout: out.text, stderr: err.text)
        }
        return ToolOutput(status: .exited, exitCode: process.terminationStatus, stdout: out.text, stderr: err.text)
    }
}

/// A small HTTP client with timeouts on every request. Runtime endpoints (Ollama, llama-server) must be
/// on this machine: ``localRuntimeURL(_:)`` refuses anything but loopback.
public enum HTTPClient {
    public struct Response: Sendable { public var status: Int; public var body: Data }

    public static func session(timeout: Double) -> URLSession {
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = timeout
        config.timeoutIntervalForResource = timeout
        config.requestCachePolicy = .reloadIgnoringLocalCacheData
        return URLSession(configuration: config)
    }

    /// Parses a runtime URL and checks it is loopback (127.0.0.1, ::1, localhost).
    public static func localRuntimeURL(_ s: String) throws -> URL {
        guard let url = URL(string: s), let host = url.host?.lowercased(), url.scheme == "http" || url.scheme == "https" else {
            throw BenchError("'\(s)' is not an http URL")
        }
        guard ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host) || host.hasPrefix("127.") else {
            throw BenchError("runtime URL \(s) is not on this machine; the agent only talks to local runtimes (127.0.0.1)")
        }
        return url
    }

    public static func get(_ url: URL, timeout: Double = 3) async -> Result<Response, AgentError> {
        await send(URLRequest(url: url), timeout: timeout)
    }

    public static func postJSON(_ url: URL, body: Data, timeout: Double = 30, headers: [String: String] = [:]) async -> Result<Response, AgentError> {
        var r = URLRequest(url: url)
        r.httpMethod = "POST"
        r.httpBody = body
        r.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (k, v) in headers { r.setValue(v, forHTTPHeaderField: k) }
        return await send(r, timeout: timeout)
    }

    public static func send(_ request: URLRequest, timeout: Double) async -> Result<Response, AgentError> {
        var request = request
        request.timeoutInterval = timeout
        let session = session(timeout: timeout)
        defer { session.finishTasksAndInvalidate() }
        let where_ = "\(request.httpMethod ?? "GET") \(request.url?.absoluteString ?? "?")"
        do {
            let (data, response) = try await session.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            return .success(Response(status: status, body: data))
        } catch let e as URLError {
            switch e.code {
            case .timedOut: return .failure(AgentError("\(where_): no answer within \(Int(timeout)) s"))
            case .cannotConnectToHost, .networkConnectionLost, .cannotFindHost:
                return .failure(AgentError("\(where_): cannot connect (nothing listening there?)"))
            default: return .failure(AgentError("\(where_): \(e.localizedDescription)"))
            }
        } catch {
            return .failure(AgentError("\(where_): \(error.localizedDescription)"))
        }
    }
}

/// Progress lines on stderr (never on stdout, which carries the result).
public func progress(_ message: String) {
    FileHandle.standardError.write(Data("\(message)\n".utf8))
}
