public import NacosRemote
import Synchronization

/// The instance overlays of every service (the instance half of Nacos's `NamingMetadataManager`), keyed by
/// service and metadata id `ip:port:cluster`, with the bookkeeping that expires overlays whose instance is
/// gone (Nacos's `ExpiredMetadataCleaner`).
///
/// `ServiceStorage` reads the overlays when it builds a service's instances; whoever changes one
/// invalidates the storage and publishes `serviceChanged`.
public final class InstanceMetadataStore: Sendable {
    private struct Entry {
        var metadata: InstanceMetadata
        /// When a sweep first found no published instance for the overlay, or `nil` while there is one.
        var missingSince: Int64?
    }

    private struct State {
        var services: [Service: [String: Entry]] = [:]
        var count = 0
    }

    private let state = Mutex(State())
    private let limit: Int

    /// Creates an empty store that holds at most `limit` overlays in all.
    public init(limit: Int = 100_000) {
        self.limit = max(0, limit)
    }

    /// The overlay of instance `metadataId` of `service`, or `nil`.
    public func metadata(of service: Service, metadataId: String) -> InstanceMetadata? {
        self.state.withLock { $0.services[service]?[metadataId]?.metadata }
    }

    /// Every overlay of `service` by metadata id (empty when there is none).
    public func overlays(of service: Service) -> [String: InstanceMetadata] {
        self.state.withLock { state in
            guard let entries = state.services[service] else { return [:] }
            return entries.mapValues(\.metadata)
        }
    }

    /// Sets the overlay of instance `metadataId` of `service` to what `change` makes of the current one
    /// (`seed` when there is none), in one step.
    ///
    /// - Throws: `NacosException` 503 when a new overlay would exceed the store's limit.
    @discardableResult
    public func update(
        _ service: Service,
        metadataId: String,
        seed: InstanceMetadata = InstanceMetadata(),
        _ change: (inout InstanceMetadata) -> Void
    ) throws(NacosException) -> InstanceMetadata {
        let result = self.state.withLock { state -> InstanceMetadata? in
            let existing = state.services[service]?[metadataId]
            if existing == nil && state.count >= self.limit { return nil }
            var metadata = existing?.metadata ?? seed
            change(&metadata)
            state.services[service, default: [:]][metadataId] = Entry(metadata: metadata, missingSince: nil)
            if existing == nil { state.count += 1 }
            return metadata
        }
        guard let result else {
            throw NacosException(.overThreshold, "too many instance metadata entries, the limit is \(self.limit).")
        }
        return result
    }

    /// Checks that `count` new overlays fit under the store's limit.
    ///
    /// - Throws: `NacosException` 503 when they do not.
    public func checkRoom(for count: Int) throws(NacosException) {
        guard count > 0 else { return }
        let current = self.state.withLock { $0.count }
        guard current + count <= self.limit else {
            throw NacosException(.overThreshold, "too many instance metadata entries, the limit is \(self.limit).")
        }
    }

    /// Removes the overlay of instance `metadataId` of `service`; returns whether there was one.
    @discardableResult
    public func remove(_ service: Service, metadataId: String) -> Bool {
        self.state.withLock { state in
            guard state.services[service]?.removeValue(forKey: metadataId) != nil else { return false }
            state.count -= 1
            if state.services[service]?.isEmpty == true { state.services[service] = nil }
            return true
        }
    }

    /// Removes every overlay of `service` (it was deleted).
    public func removeAll(of service: Service) {
        self.state.withLock { state in
            if let removed = state.services.removeValue(forKey: service) { state.count -= removed.count }
        }
    }

    /// How many overlays there are.
    public var count: Int { self.state.withLock { $0.count } }

    /// The services that have overlays.
    public var services: [Service] { self.state.withLock { Array($0.services.keys) } }

    /// One pass of the expired-metadata cleaner at `now`: an overlay whose instance `presentIds` does not
    /// list is marked missing; one that has been missing for `expiry` milliseconds is removed; one whose
    /// instance is back is unmarked. Returns the removed overlays as `(service, metadataId)`.
    @discardableResult
    public func expire(
        now: Int64,
        expiry: Int64,
        presentIds: (Service) -> Set<String>
    ) -> [(service: Service, metadataId: String)] {
        var removed: [(service: Service, metadataId: String)] = []
        for service in self.services {
            let present = presentIds(service)
            self.state.withLock { state in
                guard var entries = state.services[service] else { return }
                for (metadataId, entry) in entries {
                    if present.contains(metadataId) {
                        if entry.missingSince != nil { entries[metadataId]?.missingSince = nil }
                    } else if let since = entry.missingSince {
                        if now - since >= expiry {
                            entries[metadataId] = nil
                            state.count -= 1
                            removed.append((service, metadataId))
                        }
                    } else {
                        entries[metadataId]?.missingSince = now
                    }
                }
                state.services[service] = entries.isEmpty ? nil : entries
            }
        }
        return removed
    }
}
