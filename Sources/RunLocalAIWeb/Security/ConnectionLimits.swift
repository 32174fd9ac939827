import Foundation
import Hummingbird
import HummingbirdCore
import HTTPTypes
import NIOHTTPTypes
import Synchronization
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
        let handlers = connectionHandlers(logger: logger)
        // The guard keeps the idle timeout itself (one timer per connection, checked a few times per timeout), rather
        // than NIO's idle-state handler, which adds a promise callback to every write of every response.
        return .http1(configuration: .init(additionalChannelHandlers: handlers(), idleTimeout: nil))
    }

    /// What ``server(logger:)`` adds to each new connection after the HTTP codec: a fresh connection guard, sharing
    /// this server's counts of open connections (in all and per address). Call the result once per connection.
    ///
    /// ```swift
    /// let handlers = ConnectionLimits().connectionHandlers()
    /// try channel.pipeline.syncOperations.addHandlers(handlers())   // after HTTP1ToHTTPServerCodec
    /// ```
    public func connectionHandlers(logger: Logger = Logger(label: "runlocalai.connections")) -> @Sendable () -> [any RemovableChannelHandler] {
        let counter = PeerCounter(limit: maxConnectionsPerPeer)
        let registry = ConnectionRegistry(limit: maxConnections)
        let header = headerTimeout, idle = idleTimeout
        return { [ConnectionGuard(counter: counter, registry: registry, headerTimeout: header, idleTimeout: idle, logger: logger)] }
    }

    /// The application configuration with the hard cap (twice ``maxConnections``: reached only when that many are busy).
    /// No `Server` field: answers do not name the software that serves them (and a field less costs nothing to write).
    public func configuration(address: BindAddress) -> ApplicationConfiguration {
        ApplicationConfiguration(address: address, serverName: nil, backlog: 1024,
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
/// let (activity, victim) = registry.open(id, channel: channel)
/// victim?.close(promise: nil)
/// registry.setBusy(activity, true)   // a request started on this connection
/// ```
final class ConnectionRegistry: @unchecked Sendable {
    /// One connection's state, written by its own handler without the registry's lock (a request costs three
    /// stores to its own record and one clock read, never a lock or a counter shared between threads): busy, and
    /// since when it has been idle (the monotonic clock, in nanoseconds).
    final class Activity: Sendable {
        let busy = Atomic<Bool>(false)
        let since: Atomic<UInt64>
        init(since: UInt64) { self.since = Atomic(since) }
    }
    private struct Entry { let channel: Channel; let activity: Activity }
    private let lock = NSLock()
    private var entries: [ObjectIdentifier: Entry] = [:]
    let limit: Int
    init(limit: Int) { self.limit = max(1, limit) }

    var count: Int { lock.lock(); defer { lock.unlock() }; return entries.count }

    /// Registers a new connection; returns its activity record and the idle connection to close when there are now
    /// more than `limit`.
    func open(_ id: ObjectIdentifier, channel: Channel) -> (activity: Activity, victim: Channel?) {
        let activity = Activity(since: Self.now())
        lock.lock(); defer { lock.unlock() }
        entries[id] = Entry(channel: channel, activity: activity)
        guard entries.count > limit else { return (activity, nil) }
        var oldest: (id: ObjectIdentifier, since: UInt64)?
        for (k, e) in entries where k != id && !e.activity.busy.load(ordering: .relaxed) {
            let since = e.activity.since.load(ordering: .relaxed)
            if oldest == nil || since < oldest!.since { oldest = (k, since) }
        }
        guard let victim = oldest else { return (activity, nil) }
        return (activity, entries.removeValue(forKey: victim.id)?.channel)
    }

    /// A request started (`true`) or its response ended (`false`, the connection idle from now) on the connection of
    /// `activity`.
    func setBusy(_ activity: Activity, _ busy: Bool) {
        if !busy { activity.since.store(Self.now(), ordering: .relaxed) }
        activity.busy.store(busy, ordering: .relaxed)
    }

    private static func now() -> UInt64 { NIODeadline.now().uptimeNanoseconds }

    func close(_ id: ObjectIdentifier) { lock.lock(); entries[id] = nil; lock.unlock() }
}

/// Sits after the HTTP codec of every connection: refuses a connection over its address's cap; closes one that has
/// not sent its first request head within the header timeout, one whose request body stalls for as long (a truncated
/// upload), and one that sits idle between requests past the idle timeout; and keeps the ``ConnectionRegistry`` told
/// whether a request is in progress (a request head read: busy; the end of the last answer written: idle).
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    let counter: PeerCounter
    let registry: ConnectionRegistry
    let headerTimeout: TimeAmount
    let idleTimeout: TimeAmount
    let logger: Logger
    private var key: String?
    private var activity: ConnectionRegistry.Activity?
    /// Requests in progress: heads read whose response's end is not yet written (more than one when a client
    /// pipelines its next request before the answer to the last one ends).
    private var inFlight = 0
    private var busy: Bool { inFlight > 0 }
    /// The request being read has been read to its end.
    private var requestRead = false
    /// The sweep tells whether anything happened since its last look by comparing counts with what it saw then (an
    /// increment per event, where a clock read per event would cost a system clock call each): every read, for a
    /// stalled body; request heads and response ends, for idleness (a body still arriving after its answer, say an
    /// early 413, does not keep an idle connection open).
    private var reads: UInt64 = 0, readsSeen: UInt64 = 0, quietReads = 0
    private var turns: UInt64 = 0, turnsSeen: UInt64 = 0, quietTurns = 0
    private var timer: Scheduled<Void>?
    private var sweep: RepeatedTask?
    private var sawHead = false

    init(counter: PeerCounter, registry: ConnectionRegistry, headerTimeout: TimeAmount, idleTimeout: TimeAmount, logger: Logger) {
        self.counter = counter; self.registry = registry; self.headerTimeout = headerTimeout; self.idleTimeout = idleTimeout; self.logger = logger
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
        let (activity, victim) = registry.open(id, channel: context.channel)
        self.activity = activity
        if let victim {
            logger.debug("closing the longest-idle connection: over \(registry.limit) open connections")
            victim.close(promise: nil)
        }
        let channel = context.channel
        // Both timers hold the guard strongly until `forget()` cancels them (the connection closed or the handler
        // removed): a weak reference would give the guard a side table, and every retain of it on every request
        // part (the pipeline retains its handlers as it calls them) would take the slow path.
        timer = context.eventLoop.scheduleTask(in: headerTimeout) { [self] in
            guard !self.sawHead else { return }
            self.logger.debug("closing a connection from \(k): no request head within the header timeout")
            channel.close(promise: nil)
        }
        // Idle and stalled-body checks, a few times per timeout: idle when no request head came and no answer ended for
        // the idle timeout's sweeps in a row; stalled when a request is being read and nothing was read for the header
        // timeout's; so closed between the timeout and a quarter of it late.
        let every = TimeAmount.nanoseconds(max(TimeAmount.milliseconds(100).nanoseconds, min(idleTimeout, headerTimeout).nanoseconds / 4))
        let idleSweeps = Self.sweeps(idleTimeout, every: every), stallSweeps = Self.sweeps(headerTimeout, every: every)
        sweep = context.eventLoop.scheduleRepeatedTask(initialDelay: every, delay: every) { [self] _ in
            if self.reads != self.readsSeen { self.readsSeen = self.reads; self.quietReads = 0 } else { self.quietReads += 1 }
            if self.turns != self.turnsSeen { self.turnsSeen = self.turns; self.quietTurns = 0 } else { self.quietTurns += 1 }
            if !self.busy, self.sawHead, self.quietTurns >= idleSweeps {
                self.logger.debug("closing a connection from \(k): idle for the idle timeout")
                channel.close(promise: nil)
            } else if self.busy, !self.requestRead, self.quietReads >= stallSweeps {
                self.logger.debug("closing a connection from \(k): the request body stalled for the header timeout")
                channel.close(promise: nil)
            }
        }
    }

    /// Quiet sweeps, `every` apart, that make up `timeout` (at least one).
    static func sweeps(_ timeout: TimeAmount, every: TimeAmount) -> Int {
        max(1, Int((timeout.nanoseconds + every.nanoseconds - 1) / every.nanoseconds))
    }

    private func forget() {
        timer?.cancel(); timer = nil
        sweep?.cancel(); sweep = nil
        if let key { counter.close(key); self.key = nil }
        if activity != nil { registry.close(id); activity = nil }
    }

    func handlerRemoved(context: ChannelHandlerContext) { forget() }

    func channelInactive(context: ChannelHandlerContext) {
        forget()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !sawHead { sawHead = true; timer?.cancel(); timer = nil }
        reads &+= 1
        switch unwrapInboundIn(data) {
        case .head:
            requestRead = false; turns &+= 1
            inFlight += 1
            if inFlight == 1, let activity { registry.setBusy(activity, true) }
        case .body: break
        case .end: requestRead = true
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if busy, case .end = unwrapOutboundIn(data) {
            inFlight -= 1; turns &+= 1
            if inFlight == 0, let activity { registry.setBusy(activity, false) }
        }
        context.write(data, promise: promise)
    }
}
