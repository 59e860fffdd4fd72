import NacosClient
import NacosNamingAPI
import Synchronization

/// Times a provider's changes from the moment they are sent to the first instance list a subscriber sees
/// that contains them (an SDK `NamingEvent`, or a raw push's ServiceInfo).
///
/// The provider stamps each change with a sequence number in the instance's metadata (`seq`); before it
/// sends number `n` the benchmark calls `expect(n, sentAt:)`, and the first list whose provider instance
/// carries `seq ≥ n` completes it. Lists of older changes are ignored (pushes may arrive out of order, and
/// before the provider's call returns).
final class SequenceLatencyProbe: Sendable {
    /// The metadata key carrying the registration's sequence number.
    static let sequenceKey = "seq"

    private struct State {
        var awaited: Int?
        var sentAt: UInt64 = 0
        var latency: UInt64?
        var waiter: CheckedContinuation<UInt64?, Never>?
        var timedOut = false
    }

    private let providerIp: String
    private let state = Mutex(State())

    /// A probe for instance lists that carry an instance at `providerIp`.
    init(providerIp: String) {
        self.providerIp = providerIp
    }

    /// The SDK listener to subscribe with.
    var listener: @Sendable (NamingEvent) -> Void {
        { [weak self] event in
            let now = MonotonicClock.nanoseconds()
            self?.observe(event.instances, at: now)
        }
    }

    /// Arms the probe for change `sequence`, sent at `sentAt` (`MonotonicClock`).
    func expect(_ sequence: Int, sentAt: UInt64) {
        self.state.withLock { state in
            state.awaited = sequence
            state.latency = nil
            state.timedOut = false
            state.sentAt = sentAt
        }
    }

    /// The latency of the change armed last, in nanoseconds, once a list shows it; `nil` after `timeout`.
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

    /// Records that a subscriber saw `instances` at `now` (`MonotonicClock`).
    func observe(_ instances: [Instance], at now: UInt64) {
        let sequence = instances.first { $0.ip == self.providerIp }?.metadata[Self.sequenceKey].flatMap { Int($0) }
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
