public import NacosRemote
import Synchronization

/// The node's current `SwitchDomain` behind a lock (Nacos's `SwitchManager` without Raft): read live by
/// push, the beat and health checkers and the storage, changed by the operator API.
public final class NamingSwitches: Sendable {
    private let domain: Mutex<SwitchDomain>
    private let stored = Mutex<[(entry: String, value: String)]>([])

    /// Creates the store with `initial` switches.
    public init(_ initial: SwitchDomain = SwitchDomain()) {
        self.domain = Mutex(initial)
    }

    /// A copy of the current switches.
    public var current: SwitchDomain { self.domain.withLock { $0 } }

    /// Applies `entry=value` (see `SwitchDomain.update(entry:value:)`) in one step.
    ///
    /// - Throws: `NacosException` 400 for an unknown entry or a bad value; nothing changes then.
    public func update(entry: String, value: String) throws(NacosException) {
        try self.domain.withLock { (domain: inout SwitchDomain) throws(NacosException) in
            try domain.update(entry: entry, value: value)
        }
    }

    /// The updates operators made through the registry (`NamingRegistry.updateSwitch`), oldest first, as
    /// the store keeps them: the switches are the configured defaults with these applied in order.
    public var overrides: [(entry: String, value: String)] { self.stored.withLock { $0 } }

    /// Sets the switches to `domain`, made of the defaults and `overrides` (the store's feed).
    func replace(with domain: SwitchDomain, overrides: [(entry: String, value: String)]) {
        self.stored.withLock { $0 = overrides }
        self.domain.withLock { $0 = domain }
    }

    /// Replaces every switch with `domain`.
    public func replace(with domain: SwitchDomain) {
        self.domain.withLock { $0 = domain }
    }

    /// Whether changes are pushed.
    public var pushEnabled: Bool { self.domain.withLock { $0.pushEnabled } }

    /// Whether beats and persistent instances are checked.
    public var healthCheckEnabled: Bool { self.domain.withLock { $0.healthCheckEnabled } }

    /// Whether `serviceName` (grouped) is health-checked (`healthCheckEnabled` or white-listed).
    public func isHealthCheckEnabled(for serviceName: String) -> Bool {
        self.domain.withLock { $0.isHealthCheckEnabled(for: serviceName) }
    }

    /// Consecutive opposite results that flip a persistent instance.
    public var checkTimes: Int { self.domain.withLock { max(1, $0.checkTimes) } }

    /// The beat interval told to 1.x clients, in milliseconds.
    public var clientBeatInterval: Int64 { self.domain.withLock { $0.clientBeatInterval } }

    /// Whether 1.x clients may send light beats.
    public var lightBeatEnabled: Bool { self.domain.withLock { $0.lightBeatEnabled } }

    /// Whether HTTP registrations without `ephemeral` are ephemeral.
    public var defaultInstanceEphemeral: Bool { self.domain.withLock { $0.defaultInstanceEphemeral } }

    /// The `cacheMillis` of every ServiceInfo.
    public var defaultPushCacheMillis: Int64 { self.domain.withLock { $0.defaultPushCacheMillis } }

    /// Whether a 1.x client with User-Agent `agent` gets UDP pushes.
    public func canEnablePush(agent: String) -> Bool {
        self.domain.withLock { $0.canEnablePush(agent: agent) }
    }
}
