import NacosNamingAPI
import NacosRemote

/// Times one service's changes from the provider's register to a raw subscriber's push handler, with a
/// `SequenceLatencyProbe` fed by the subscriber's `NotifySubscriberRequest`s.
final class PushLatencyProbe: Sendable {
    /// The metadata key carrying the change's sequence number.
    static let sequenceKey = SequenceLatencyProbe.sequenceKey

    private let probe: SequenceLatencyProbe

    /// Installs the push handler on `subscriber` (before it starts) for pushes of `service` that carry an
    /// instance at `providerIp`.
    init(subscriber: NacosRpcClient, service: String, providerIp: String) {
        let probe = SequenceLatencyProbe(providerIp: providerIp)
        self.probe = probe
        subscriber.registerServerRequestHandler(NotifySubscriberRequest.self) { request in
            let now = MonotonicClock.nanoseconds()
            if let info = request.serviceInfo, info.name == service { probe.observe(info.instances, at: now) }
            return NotifySubscriberResponse()
        }
    }

    /// Arms the probe for change `sequence`, sent now.
    func expect(_ sequence: Int) {
        self.probe.expect(sequence, sentAt: MonotonicClock.nanoseconds())
    }

    /// The latency of the change armed last, in nanoseconds, once a push shows it; `nil` after `timeout`.
    func latency(timeout: Duration) async -> UInt64? {
        await self.probe.latency(timeout: timeout)
    }
}
