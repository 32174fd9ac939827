import Foundation
import Hummingbird
import HummingbirdCore
import HTTPTypes
import NIOHTTPTypes
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
    /// At most this many connections are kept at once: past it, a new connection closes the one that has been idle
    /// longest (no request in progress), so idle or half-open connections from many addresses can never lock out a
    /// new client. Only when twice this many are all busy does the server stop accepting until one closes.
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
        let registry = ConnectionRegistry(limit: maxConnections)
        let header = headerTimeout
        return .http1(configuration: .init(additionalChannelHandlers: [ConnectionGuard(counter: counter, registry: registry, headerTimeout: header, logger: logger)],
                                           idleTimeout: idleTimeout))
    }

    /// The application configuration with the hard cap (twice ``maxConnections``: reached only when that many are busy).
    public func configuration(address: BindAddress, serverName: String = "runlocalai") -> ApplicationConfiguration {
        ApplicationConfiguration(address: address, serverName: serverName, backlog: 1024,
                                 availableConnectionsDelegate: MaximumAvailableConnections(maxConnections * 2))
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

/// Every open connection and whether a request is in progress on it, for the total cap: when a new connection takes
/// the count past `limit`, the one idle longest is closed (a connection that has sent nothing, half a header, or sits
/// between keep-alive requests is idle; one whose response is being written is not).
///
/// ```swift
/// let registry = ConnectionRegistry(limit: 1024)
/// if let victim = registry.open(id, channel: channel) { victim.close(promise: nil) }
/// ```
final class ConnectionRegistry: @unchecked Sendable {
    private struct Entry { let channel: Channel; var busy: Bool; var since: UInt64 }
    private let lock = NSLock()
    private var entries: [ObjectIdentifier: Entry] = [:]
    private var clock: UInt64 = 0
    let limit: Int
    init(limit: Int) { self.limit = max(1, limit) }

    var count: Int { lock.lock(); defer { lock.unlock() }; return entries.count }

    /// Registers a new connection; returns the idle connection to close when there are now more than `limit`.
    func open(_ id: ObjectIdentifier, channel: Channel) -> Channel? {
        lock.lock(); defer { lock.unlock() }
        clock &+= 1
        entries[id] = Entry(channel: channel, busy: false, since: clock)
        guard entries.count > limit else { return nil }
        var oldest: (id: ObjectIdentifier, since: UInt64)?
        for (k, e) in entries where !e.busy && k != id && (oldest == nil || e.since < oldest!.since) { oldest = (k, e.since) }
        guard let victim = oldest else { return nil }
        return entries.removeValue(forKey: victim.id)?.channel
    }

    /// A request started (`true`) or its response ended (`false`).
    func setBusy(_ id: ObjectIdentifier, _ busy: Bool) {
        lock.lock(); defer { lock.unlock() }
        guard entries[id]?.busy != busy else { return }
        clock &+= 1
        entries[id]?.busy = busy
        entries[id]?.since = clock
    }

    func close(_ id: ObjectIdentifier) { lock.lock(); entries[id] = nil; lock.unlock() }
}

/// Sits after the HTTP codec of every connection: refuses a connection over its address's cap, closes one that has
/// not sent its first request head within the header timeout, and keeps the ``ConnectionRegistry`` told whether a
/// request is in progress (a request part read: busy; the response's end written: idle).
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    let counter: PeerCounter
    let registry: ConnectionRegistry
    let headerTimeout: TimeAmount
    let logger: Logger
    private var key: String?
    private var registered = false
    private var busy = false
    private var timer: Scheduled<Void>?
    private var sawHead = false

    init(counter: PeerCounter, registry: ConnectionRegistry, headerTimeout: TimeAmount, logger: Logger) {
        self.counter = counter; self.registry = registry; self.headerTimeout = headerTimeout; self.logger = logger
    }

    private var id: ObjectIdentifier { ObjectIdentifier(self) }

    func handlerAdded(context: ChannelHandlerContext) {
        let k = context.channel.remoteAddress?.ipAddress ?? "unknown-peer"
        guard counter.open(k) else {
            logger.notice("closing a connection from \(k): over \(counter.limit) open connections from one address")
            context.close(promise: nil)
            return
        }
        key = k
        registered = true
        if let victim = registry.open(id, channel: context.channel) {
            logger.debug("closing the longest-idle connection: over \(registry.limit) open connections")
            victim.close(promise: nil)
        }
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: headerTimeout) { [weak self] in
            guard let self, !self.sawHead else { return }
            self.logger.debug("closing a connection from \(k): no request head within the header timeout")
            channel.close(promise: nil)
        }
    }

    private func forget() {
        timer?.cancel(); timer = nil
        if let key { counter.close(key); self.key = nil }
        if registered { registry.close(id); registered = false }
    }

    func handlerRemoved(context: ChannelHandlerContext) { forget() }

    func channelInactive(context: ChannelHandlerContext) {
        forget()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !sawHead { sawHead = true; timer?.cancel(); timer = nil }
        if !busy { busy = true; registry.setBusy(id, true) }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if busy, case .end = unwrapOutboundIn(data) { busy = false; registry.setBusy(id, false) }
        context.write(data, promise: promise)
    }
}
