import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Connection hygiene of `serve`: how long a new connection may take to send its first request head, how long a
/// keep-alive connection may sit idle, and how many connections are held at once (in all, and per client address).
///
/// ```swift
/// let limits = ConnectionLimits(headerTimeout: .seconds(10), idleTimeout: .seconds(60), maxConnections: 1024, maxConnectionsPerPeer: 64)
/// let app = Application(router: router, server: limits.server(), configuration: limits.configuration(address: .hostname("127.0.0.1", port: 8080)))
/// ```
public struct ConnectionLimits: Sendable {
    /// A new connection that has not sent a whole request head by then is closed (slow-header clients).
    public var headerTimeout: TimeAmount
    /// A connection with no request in progress and nothing read for this long is closed.
    public var idleTimeout: TimeAmount
    /// At most this many connections are served at once; past it the server stops accepting until one closes.
    public var maxConnections: Int
    /// At most this many connections from one client address; more are closed at once.
    public var maxConnectionsPerPeer: Int

    public init(headerTimeout: TimeAmount = .seconds(10), idleTimeout: TimeAmount = .seconds(60), maxConnections: Int = 1024,
                maxConnectionsPerPeer: Int = 64) {
        self.headerTimeout = headerTimeout; self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections; self.maxConnectionsPerPeer = maxConnectionsPerPeer
    }

    /// The same in whole seconds (for the command line).
    public init(headerTimeoutSeconds: Int, idleTimeoutSeconds: Int, maxConnections: Int, maxConnectionsPerPeer: Int) {
        self.init(headerTimeout: .seconds(Int64(headerTimeoutSeconds)), idleTimeout: .seconds(Int64(idleTimeoutSeconds)),
                  maxConnections: maxConnections, maxConnectionsPerPeer: maxConnectionsPerPeer)
    }

    /// The HTTP/1.1 server with the timeouts and the per-address cap.
    public func server(logger: Logger = Logger(label: "runlocalai.connections")) -> HTTPServerBuilder {
        let counter = PeerCounter(limit: maxConnectionsPerPeer)
        let header = headerTimeout
        return .http1(configuration: .init(additionalChannelHandlers: [ConnectionGuard(counter: counter, headerTimeout: header, logger: logger)],
                                           idleTimeout: idleTimeout))
    }

    /// The application configuration with the total cap.
    public func configuration(address: BindAddress, serverName: String = "runlocalai") -> ApplicationConfiguration {
        ApplicationConfiguration(address: address, serverName: serverName, backlog: 256,
                                 availableConnectionsDelegate: MaximumAvailableConnections(maxConnections))
    }
}

/// Open connections per client address, shared by every connection's ``ConnectionGuard``.
final class PeerCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var open: [String: Int] = [:]
    let limit: Int
    init(limit: Int) { self.limit = max(1, limit) }

    /// Counts a new connection; false when the address already holds `limit`.
    func open(_ key: String) -> Bool {
        lock.lock(); defer { lock.unlock() }
        let n = open[key, default: 0]
        guard n < limit else { return false }
        open[key] = n + 1
        return true
    }

    func close(_ key: String) {
        lock.lock(); defer { lock.unlock() }
        if let n = open[key] { open[key] = n > 1 ? n - 1 : nil }
    }

    func count(_ key: String) -> Int { lock.lock(); defer { lock.unlock() }; return open[key] ?? 0 }
}

/// Sits after the HTTP decoder of every connection: refuses a connection over its address's cap, and closes one that
/// has not sent its first request head within the header timeout.
final class ConnectionGuard: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = Any
    let counter: PeerCounter
    let headerTimeout: TimeAmount
    let logger: Logger
    private var key: String?
    private var timer: Scheduled<Void>?
    private var sawHead = false

    init(counter: PeerCounter, headerTimeout: TimeAmount, logger: Logger) {
        self.counter = counter; self.headerTimeout = headerTimeout; self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let k = context.channel.remoteAddress?.ipAddress ?? "unknown-peer"
        guard counter.open(k) else {
            logger.notice("closing a connection from \(k): over \(counter.limit) open connections from one address")
            context.close(promise: nil)
            return
        }
        key = k
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: headerTimeout) { [weak self] in
            guard let self, !self.sawHead else { return }
            self.logger.debug("closing a connection from \(k): no request head within the header timeout")
            channel.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel(); timer = nil
        if let key { counter.close(key); self.key = nil }
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel(); timer = nil
        if let key { counter.close(key); self.key = nil }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !sawHead { sawHead = true; timer?.cancel(); timer = nil }
        context.fireChannelRead(data)
    }
}
