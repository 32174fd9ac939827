import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import RunLocalAICore

/// The live ``HTTPRangeTransport`` over `URLSession` (FoundationNetworking on Linux).
///
/// It does not follow redirects (``HTTPByteSource`` does, to re-send `Range` and drop credentials across
/// hosts) and cancels the transfer once `maxBodyBytes` have arrived.
///
/// ```swift
/// let source = HTTPByteSource(url: url, transport: URLSessionHTTPTransport(resourceTimeout: 120))
/// ```
public struct URLSessionHTTPTransport: HTTPRangeTransport {
    /// Seconds the whole request may take.
    public var resourceTimeout: Double

    public init(resourceTimeout: Double = 300) { self.resourceTimeout = resourceTimeout }

    public func get(_ request: HTTPRangeRequest, progress: (@Sendable (Int) -> Void)?) async throws -> HTTPRangeResponse {
        var urlRequest = URLRequest(url: request.url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: request.timeout)
        urlRequest.httpMethod = "GET"
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = request.timeout
        configuration.timeoutIntervalForResource = resourceTimeout
        let delegate = RangeTaskDelegate(limit: request.maxBodyBytes, progress: progress)
        let session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                delegate.start(session.dataTask(with: urlRequest), continuation: continuation)
            }
        } onCancel: {
            delegate.cancel()
        }
    }
}

/// Collects one response, stopping at the byte limit. State is guarded by a lock.
private final class RangeTaskDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private let limit: Int
    private let progress: (@Sendable (Int) -> Void)?
    private var body: [UInt8] = []
    private var response: HTTPURLResponse?
    private var continuation: CheckedContinuation<HTTPRangeResponse, any Error>?
    private var task: URLSessionDataTask?

    init(limit: Int, progress: (@Sendable (Int) -> Void)?) {
        self.limit = limit
        self.progress = progress
    }

    func start(_ task: URLSessionDataTask, continuation: CheckedContinuation<HTTPRangeResponse, any Error>) {
        lock.lock()
        self.task = task
        self.continuation = continuation
        lock.unlock()
        task.resume()
    }

    func cancel() {
        lock.lock()
        let task = self.task
        lock.unlock()
        task?.cancel()
    }

    private func finish(_ result: Result<HTTPRangeResponse, any Error>) {
        lock.lock()
        let continuation = self.continuation
        self.continuation = nil
        lock.unlock()
        continuation?.resume(with: result)
    }

    private func currentResponse() -> HTTPRangeResponse {
        lock.lock()
        defer { lock.unlock() }
        var headers: [String: String] = [:]
        for (k, v) in response?.allHeaderFields ?? [:] {
            if let k = k as? String, let v = v as? String { headers[k.lowercased()] = v }
        }
        return HTTPRangeResponse(status: response?.statusCode ?? 0, headers: headers, body: body)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        lock.lock()
        self.response = response as? HTTPURLResponse
        lock.unlock()
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock()
        let room = max(limit - body.count, 0)
        body.append(contentsOf: data.prefix(room))
        let count = body.count
        let full = count >= limit
        lock.unlock()
        progress?(count)
        if full {
            finish(.success(currentResponse()))
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        if let error {
            let host = task.originalRequest?.url?.host ?? "the server"
            if (error as NSError).code == NSURLErrorTimedOut {
                finish(.failure(GGUFError(.http, at: nil, "the request to \(host) timed out", hint: "the server is slow or unreachable; try again later")))
                return
            }
            finish(.failure(GGUFError(.http, at: nil, "the request to \(host) failed: \(error.localizedDescription)",
                                      hint: "check the network connection and the URL")))
        } else {
            if let http = task.response as? HTTPURLResponse {
                lock.lock()
                if response == nil { response = http }
                lock.unlock()
            }
            finish(.success(currentResponse()))
        }
    }
}
