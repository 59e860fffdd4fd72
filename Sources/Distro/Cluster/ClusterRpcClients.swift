public import NacosRemote
public import NacosTransport
import Synchronization

/// The cluster RPC links of a node (Nacos's `ClusterRpcClientProxy`): one shared, reference-counted
/// connection per member from a `NacosSharedConnectionPool`, acquired on the first request to that member
/// and kept until `release(_:)` or `shutdown()`.
///
/// Members are named by their `ip:port` (HTTP) address; `resolve` gives each one's cluster RPC socket
/// address. Delivery failures are `ClusterRequestError`s: an address that does not resolve is
/// `unknownMember`; a member whose connection is not up — refused, dropped, or reconnecting in the
/// background — is `unreachable` at once, without waiting for the timeout; a request that gets no answer
/// in time is `timedOut`. What the member answered with an error (`NacosException`) passes through.
public final class ClusterRpcClients: ClusterRequestSender {
    /// The link to one member: being set up (requests wait for it), or set up.
    private enum Link {
        case connecting(id: UInt64, waiters: [UInt64: CheckedContinuation<NacosSharedConnection?, Never>])
        case ready(NacosSharedConnection)
    }

    private struct State {
        var links: [String: Link] = [:]
        var nextId: UInt64 = 0
        var isShutdown = false
    }

    private let pool: NacosSharedConnectionPool
    private let resolve: @Sendable (String) -> NacosSocketAddress?
    private let clock: any NacosClock
    private let state = Mutex(State())

    /// Creates the links over `pool`.
    ///
    /// - Parameters:
    ///   - resolve: a member address's cluster RPC socket address, or `nil` when it is not a member.
    ///   - clock: times the wait for a first connection (bounded by the request's timeout).
    public init(
        pool: NacosSharedConnectionPool,
        resolve: @escaping @Sendable (String) -> NacosSocketAddress?,
        clock: any NacosClock = NacosSystemClock()
    ) {
        self.pool = pool
        self.resolve = resolve
        self.clock = clock
    }

    /// The member addresses with a link (connected or not).
    public var linkedAddresses: [String] {
        self.state.withLock { Array($0.links.keys).sorted() }
    }

    /// Sends `request` to the member at `address` and returns its response as `Response`.
    ///
    /// - Throws: `ClusterRequestError` when the member is unknown, unreachable or does not answer in
    ///   time; `NacosException` when it answered with an error; another `NacosRemoteError` when the
    ///   request could not be encoded or the response had an unexpected type.
    public func send<Response: NacosResponse>(
        _ request: some NacosRequest,
        to address: String,
        expecting responseType: Response.Type,
        timeout: Duration
    ) async throws -> Response {
        let connection = try await self.connection(to: address, timeout: timeout)
        guard connection.isConnected else {
            throw ClusterRequestError(.unreachable, address: address, message: "no connection to \(connection.address)")
        }
        do {
            return try await connection.request(request, expecting: responseType, timeout: timeout)
        } catch let error as NacosRemoteError {
            throw Self.translate(error, address: address)
        } catch let error as NacosTransportError {
            throw ClusterRequestError(.unreachable, address: address, message: "\(error)")
        }
    }

    /// Drops the link to `address` (a member that left): its shared connection is released.
    public func release(_ address: String) {
        let link = self.state.withLock { $0.links.removeValue(forKey: address) }
        if let link { Self.close(link) }
    }

    /// Drops every link; later requests fail as `unreachable`.
    public func shutdown() {
        let links = self.state.withLock { state -> [Link] in
            state.isShutdown = true
            defer { state.links.removeAll() }
            return Array(state.links.values)
        }
        for link in links { Self.close(link) }
    }

    // MARK: - Links

    /// The connection to `address`: the kept one, or one acquired now; waits at most `timeout` for a
    /// connection being set up.
    private func connection(to address: String, timeout: Duration) async throws -> NacosSharedConnection {
        enum Step {
            case ready(NacosSharedConnection)
            case wait
            case create(id: UInt64, socket: NacosSocketAddress)
            case shutDown
        }
        func existing(_ state: State) -> Step? {
            if state.isShutdown { return .shutDown }
            switch state.links[address] {
            case .ready(let connection): return .ready(connection)
            case .connecting: return .wait
            case nil: return nil
            }
        }
        let step: Step
        if let found = self.state.withLock({ existing($0) }) {
            step = found
        } else {
            // Resolved outside the lock: the resolver is the caller's code.
            guard let socket = self.resolve(address) else {
                throw ClusterRequestError(.unknownMember, address: address, message: "no cluster RPC address for this member")
            }
            step = self.state.withLock { state -> Step in
                if let found = existing(state) { return found }
                state.nextId += 1
                state.links[address] = .connecting(id: state.nextId, waiters: [:])
                return .create(id: state.nextId, socket: socket)
            }
        }
        switch step {
        case .ready(let connection):
            return connection
        case .shutDown:
            throw ClusterRequestError(.unreachable, address: address, message: "the cluster links are shut down")
        case .create(let id, let socket):
            Task { await self.establish(address: address, socket: socket, id: id) }
        case .wait:
            break
        }
        guard let connection = await self.waitForLink(address, timeout: timeout) else {
            let (shutDown, released) = self.state.withLock { ($0.isShutdown, $0.links[address] == nil) }
            if shutDown { throw ClusterRequestError(.unreachable, address: address, message: "the cluster links are shut down") }
            if released { throw ClusterRequestError(.unreachable, address: address, message: "the link was released while connecting") }
            throw ClusterRequestError(.timedOut, address: address, message: "no connection within \(timeout)")
        }
        return connection
    }

    /// Acquires and connects the shared connection of a new link, then hands it to the waiting requests;
    /// a link released meanwhile gives its connection back at once.
    private func establish(address: String, socket: NacosSocketAddress, id: UInt64) async {
        let connection = await self.pool.acquire(socket)
        await connection.connect()
        let waiters = self.state.withLock { state -> [CheckedContinuation<NacosSharedConnection?, Never>]? in
            guard case .connecting(let current, let waiters) = state.links[address], current == id else { return nil }
            state.links[address] = .ready(connection)
            return Array(waiters.values)
        }
        guard let waiters else {
            connection.release()
            return
        }
        for waiter in waiters { waiter.resume(returning: connection) }
    }

    /// Waits until the link to `address` is set up, at most `timeout`; `nil` when it timed out, was
    /// released, or the task was cancelled.
    private func waitForLink(_ address: String, timeout: Duration) async -> NacosSharedConnection? {
        let waiterId = self.state.withLock { state -> UInt64 in
            state.nextId += 1
            return state.nextId
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<NacosSharedConnection?, Never>) in
                let immediate = self.state.withLock { state -> NacosSharedConnection?? in
                    switch state.links[address] {
                    case .ready(let connection):
                        return .some(connection)
                    case .connecting(let id, var waiters):
                        waiters[waiterId] = continuation
                        state.links[address] = .connecting(id: id, waiters: waiters)
                        return .none
                    case nil:
                        return .some(nil)
                    }
                }
                if let immediate {
                    continuation.resume(returning: immediate)
                    return
                }
                self.clock.schedule(after: timeout, on: nil) { [weak self] in
                    self?.abandonWait(address, waiterId: waiterId)
                }
            }
        } onCancel: {
            self.abandonWait(address, waiterId: waiterId)
        }
    }

    /// Resumes a waiting request with `nil` if it is still waiting.
    private func abandonWait(_ address: String, waiterId: UInt64) {
        let continuation = self.state.withLock { state -> CheckedContinuation<NacosSharedConnection?, Never>? in
            guard case .connecting(let id, var waiters) = state.links[address], let waiter = waiters.removeValue(forKey: waiterId) else {
                return nil
            }
            state.links[address] = .connecting(id: id, waiters: waiters)
            return waiter
        }
        continuation?.resume(returning: nil)
    }

    /// Gives a dropped link's connection back, or fails the requests waiting for it.
    private static func close(_ link: Link) {
        switch link {
        case .ready(let connection):
            connection.release()
        case .connecting(_, let waiters):
            for waiter in waiters.values { waiter.resume(returning: nil) }
        }
    }

    /// The delivery failure a remoting error means; errors that say nothing about delivery pass through.
    private static func translate(_ error: NacosRemoteError, address: String) -> any Error {
        switch error.code {
        case .notRunning, .connectionClosed:
            ClusterRequestError(.unreachable, address: address, message: error.message)
        case .timeout:
            ClusterRequestError(.timedOut, address: address, message: error.message)
        default:
            error
        }
    }
}
