import NacosNamingAPI
import NacosRemote
import Synchronization

/// Times one service's changes from the provider's register to the subscriber's push handler.
///
/// The provider stamps each change with a sequence number in the instance's metadata (`seq`); before it
/// sends change `n` it calls `expect(n)`, and the first push whose instance carries `seq ≥ n` completes
/// it. Pushes older than the change awaited are ignored (pushes run concurrently and may arrive out of
/// order), and the push may arrive before the provider's register returns.
final class PushLatencyProbe: Sendable {
    /// The metadata key carrying the change's sequence number.
    static let sequenceKey = "seq"

    private struct State {
        var awaited: Int?
        var sentAt: UInt64 = 0
        var latency: UInt64?
        var waiter: CheckedContinuation<UInt64?, Never>?
        var timedOut = false
    }

    private let service: String
    private let providerIp: String
    private let state = Mutex(State())

    /// Installs the push handler on `subscriber` (before it starts) for pushes of `service` that carry an
    /// instance at `providerIp`.
    init(subscriber: NacosRpcClient, service: String, providerIp: String) {
        self.service = service
        self.providerIp = providerIp
        subscriber.registerServerRequestHandler(NotifySubscriberRequest.self) { [weak self] request in
            let now = MonotonicClock.nanoseconds()
            if let self, let info = request.serviceInfo { self.observe(info, at: now) }
            return NotifySubscriberResponse()
        }
    }

    /// Arms the probe for change `sequence`, sent now.
    func expect(_ sequence: Int) {
        self.state.withLock { state in
            state.awaited = sequence
            state.latency = nil
            state.timedOut = false
            state.sentAt = MonotonicClock.nanoseconds()
        }
    }

    /// The latency of the change armed last, in nanoseconds, once a push shows it; `nil` after `timeout`.
    func latency(timeout: Duration) async -> UInt64? {
        if let done = self.state.withLock({ $0.latency }) { return done }
        let timer = Task {
            try? await Task.sleep(for: timeout)
            if !Task.isCancelled { self.timeOut() }
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            let ready = self.state.withLock { state -> UInt64?? in
                if let latency = state.latency { return .some(latency) }
                if state.timedOut { return .some(nil) }
                state.waiter = continuation
                return .none
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    private func observe(_ info: ServiceInfo, at now: UInt64) {
        guard info.name == self.service else { return }
        let sequence = info.instances.first { $0.ip == self.providerIp }?.metadata[Self.sequenceKey].flatMap { Int($0) }
        let waiter = self.state.withLock { state -> (CheckedContinuation<UInt64?, Never>, UInt64)? in
            guard let awaited = state.awaited, let sequence, sequence >= awaited, state.latency == nil else { return nil }
            let latency = now &- state.sentAt
            state.latency = latency
            state.awaited = nil
            defer { state.waiter = nil }
            return state.waiter.map { ($0, latency) }
        }
        if let (continuation, latency) = waiter { continuation.resume(returning: latency) }
    }

    private func timeOut() {
        let waiter = self.state.withLock { state -> CheckedContinuation<UInt64?, Never>? in
            guard state.latency == nil else { return nil }
            state.timedOut = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }
}
