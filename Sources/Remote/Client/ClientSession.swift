import NacosTransport
import Synchronization

/// One connection of a `NacosRpcClient` to one server, from ServerCheck until it closes or is replaced.
internal final class ClientSession: Sendable {
    private struct State {
        var connectionId = ""
        var abandoned = false
        var setupAck: [String: Bool]?
        var setupAckWaiter: CheckedContinuation<[String: Bool]?, Never>?
        var setupAckReceived = false
        var setupAckGaveUp = false
    }

    /// The server this session is connected to.
    let server: NacosSocketAddress
    /// The channel over the transport connection.
    let channel: RpcChannel
    /// The IP the client puts in every payload of this session.
    let clientIp: String
    private let state = Mutex(State())

    init(server: NacosSocketAddress, channel: RpcChannel, clientIp: String) {
        self.server = server
        self.channel = channel
        self.clientIp = clientIp
    }

    /// The id the server assigned (set after ServerCheck).
    var connectionId: String {
        get { self.state.withLock { $0.connectionId } }
        set { self.state.withLock { $0.connectionId = newValue } }
    }

    /// Marks the session replaced or shut down; its close no longer triggers a reconnect. Returns whether
    /// it was already abandoned.
    func abandon() -> Bool {
        self.state.withLock { state in
            defer { state.abandoned = true }
            return state.abandoned
        }
    }

    /// Whether the session was replaced or shut down.
    var isAbandoned: Bool { self.state.withLock { $0.abandoned } }

    /// The server's abilities from SetupAckRequest, once received.
    var serverAbilities: [String: Bool]? { self.state.withLock { $0.setupAck } }

    /// Records SetupAckRequest and wakes the waiter.
    func receivedSetupAck(_ abilities: [String: Bool]) {
        let waiter = self.state.withLock { state -> CheckedContinuation<[String: Bool]?, Never>? in
            state.setupAck = abilities
            state.setupAckReceived = true
            defer { state.setupAckWaiter = nil }
            return state.setupAckWaiter
        }
        waiter?.resume(returning: abilities)
    }

    /// Wakes the SetupAck waiter with `nil` (timeout or close).
    func cancelSetupAckWait() {
        let waiter = self.state.withLock { state -> CheckedContinuation<[String: Bool]?, Never>? in
            state.setupAckGaveUp = true
            defer { state.setupAckWaiter = nil }
            return state.setupAckWaiter
        }
        waiter?.resume(returning: nil)
    }

    /// Waits for SetupAckRequest; `nil` when it did not come within `timeout` or the connection closed.
    func waitForSetupAck(timeout: Duration) async -> [String: Bool]? {
        let timer = self.channel.clock.schedule(after: timeout, on: nil) { [weak self] in self?.cancelSetupAckWait() }
        defer { timer.cancel() }
        return await withCheckedContinuation { (continuation: CheckedContinuation<[String: Bool]?, Never>) in
            let immediate = self.state.withLock { state -> [String: Bool]?? in
                if state.setupAckReceived { return .some(state.setupAck) }
                if state.setupAckGaveUp || state.abandoned || self.channel.isClosed { return .some(nil) }
                state.setupAckWaiter = continuation
                return .none
            }
            if case .some(let value) = immediate {
                continuation.resume(returning: value)
            }
        }
    }
}
