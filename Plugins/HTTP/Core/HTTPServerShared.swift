import NacosTransport
import Synchronization

/// What the connections of one `NacosHTTPServer` share: configuration, responder, logger, and the registry
/// of open connections that enforces the connection limit and lets shutdown find and wait for them.
internal final class HTTPServerShared: Sendable {
    /// Whether a new connection may stay.
    enum Admission {
        case admitted
        case overLimit
        case draining
    }

    private struct State {
        var connections: [ObjectIdentifier: HTTPServerConnection] = [:]
        var draining = false
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var expiredWaiters: Set<UInt64> = []
        var nextWaiter: UInt64 = 0
        var refusedSinceLog = 0
        var lastRefusalLog: UInt64 = 0
    }

    let configuration: HTTPServerConfiguration
    let responder: any HTTPResponder
    let logger: NacosLogger
    private let state = Mutex(State())

    init(configuration: HTTPServerConfiguration, responder: any HTTPResponder, logger: NacosLogger) {
        self.configuration = configuration
        self.responder = responder
        self.logger = logger
    }

    /// The number of admitted connections still open.
    var count: Int { self.state.withLock { $0.connections.count } }

    /// Registers `connection` unless the server is draining or at its connection limit (refusals are logged
    /// at most once a second, with how many there were).
    func admit(_ connection: HTTPServerConnection, remote: NacosSocketAddress?) -> Admission {
        let now = HTTPMonotonicClock.now()
        let (admission, refusedToLog) = self.state.withLock { state -> (Admission, Int) in
            if state.draining { return (.draining, 0) }
            guard state.connections.count < self.configuration.maxConnections else {
                state.refusedSinceLog += 1
                guard now &- state.lastRefusalLog >= 1_000_000_000 || state.lastRefusalLog == 0 else { return (.overLimit, 0) }
                state.lastRefusalLog = now
                defer { state.refusedSinceLog = 0 }
                return (.overLimit, state.refusedSinceLog)
            }
            state.connections[ObjectIdentifier(connection)] = connection
            return (.admitted, 0)
        }
        if refusedToLog > 0 {
            self.logger.warning(
                "closing HTTP connection from \(remote.map { "\($0)" } ?? "?"): the limit of \(self.configuration.maxConnections) connections is reached (\(refusedToLog) refused since the last report)"
            )
        }
        return admission
    }

    /// Unregisters a closed connection and wakes shutdown waiters once none is left.
    func remove(_ connection: HTTPServerConnection) {
        let waiters = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.connections.removeValue(forKey: ObjectIdentifier(connection))
            guard state.connections.isEmpty, !state.waiters.isEmpty else { return [] }
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Refuses connections from now on and returns the open ones.
    func beginDraining() -> [HTTPServerConnection] {
        self.state.withLock { state in
            state.draining = true
            return Array(state.connections.values)
        }
    }

    /// The open connections.
    func snapshot() -> [HTTPServerConnection] {
        self.state.withLock { Array($0.connections.values) }
    }

    /// Waits until no connection is open or `timeout` has passed; returns whether none is open.
    func waitUntilEmpty(timeout: Duration) async -> Bool {
        let id = self.state.withLock { state -> UInt64 in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        let timer = Task {
            do { try await Task.sleep(for: timeout) } catch { return }
            self.expire(id)
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = self.state.withLock { state -> Bool in
                if state.connections.isEmpty || state.expiredWaiters.remove(id) != nil { return true }
                state.waiters[id] = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
        timer.cancel()
        return self.count == 0
    }

    private func expire(_ id: UInt64) {
        let waiter = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiters.removeValue(forKey: id) { return waiter }
            state.expiredWaiters.insert(id)
            return nil
        }
        waiter?.resume()
    }
}
