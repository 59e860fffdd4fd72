import Synchronization

/// The service singletons of the registry with their revision, last-change time and metadata, and an
/// index by namespace (Nacos's `ServiceManager` plus the service part of `NamingMetadataManager`).
public final class ServiceManager: Sendable {
    /// What the manager keeps per service.
    public struct Record: Sendable, Equatable {
        /// The singleton (its `ephemeral` flag is the one fixed at creation).
        public var service: Service
        /// +1 on every change that increments the revision, and on metadata updates.
        public var revision: Int64
        /// When the service last changed, in epoch milliseconds.
        public var lastUpdatedTime: Int64
        /// The service metadata, when set through the service API.
        public var metadata: ServiceMetadata?
    }

    private struct State {
        var records: [Service: Record] = [:]
        var namespaces: [String: Set<Service>] = [:]
    }

    private let state = Mutex(State())

    /// Creates an empty manager.
    public init() {}

    /// The singleton for `service`, created (with `service.ephemeral`) when absent.
    public func singleton(for service: Service, now: Int64) -> Service {
        self.state.withLock { state in
            if let record = state.records[service] { return record.service }
            state.records[service] = Record(service: service, revision: 0, lastUpdatedTime: now, metadata: nil)
            state.namespaces[service.namespace, default: []].insert(service)
            return service
        }
    }

    /// The singleton for `service`, or `nil` when it does not exist.
    public func existingSingleton(for service: Service) -> Service? {
        self.state.withLock { $0.records[service]?.service }
    }

    /// Whether `service` exists.
    public func contains(_ service: Service) -> Bool {
        self.state.withLock { $0.records[service] != nil }
    }

    /// The record of `service`, or `nil`.
    public func record(of service: Service) -> Record? {
        self.state.withLock { $0.records[service] }
    }

    /// Notes a change of `service`: renews its last-change time and, when asked, increments its revision.
    public func markChanged(_ service: Service, incrementRevision: Bool, now: Int64) {
        self.state.withLock { state in
            guard var record = state.records[service] else { return }
            record.lastUpdatedTime = now
            if incrementRevision { record.revision &+= 1 }
            state.records[service] = record
        }
    }

    /// Sets the metadata of `service` (creating the service when absent) and increments its revision.
    public func setMetadata(_ metadata: ServiceMetadata, for service: Service, now: Int64) {
        self.state.withLock { state in
            var record = state.records[service] ?? Record(service: service, revision: 0, lastUpdatedTime: now, metadata: nil)
            record.metadata = metadata
            record.revision &+= 1
            record.lastUpdatedTime = now
            state.records[service] = record
            state.namespaces[service.namespace, default: []].insert(record.service)
        }
    }

    /// Creates `service` (with its own `ephemeral` flag) carrying `metadata`; returns `false`, changing
    /// nothing, when the service already exists.
    public func create(_ service: Service, metadata: ServiceMetadata, now: Int64) -> Bool {
        self.state.withLock { state in
            guard state.records[service] == nil else { return false }
            state.records[service] = Record(service: service, revision: 1, lastUpdatedTime: now, metadata: metadata)
            state.namespaces[service.namespace, default: []].insert(service)
            return true
        }
    }

    /// Changes the metadata of an existing `service` in one step, starting from its metadata or, when none
    /// was set, the defaults with the service's `ephemeral` flag; increments the revision. Returns the new
    /// metadata, or `nil` (changing nothing) when the service does not exist.
    @discardableResult
    public func updateMetadata(of service: Service, now: Int64, _ change: (inout ServiceMetadata) -> Void) -> ServiceMetadata? {
        self.state.withLock { state in
            guard var record = state.records[service] else { return nil }
            var metadata = record.metadata ?? ServiceMetadata(ephemeral: record.service.ephemeral)
            change(&metadata)
            record.metadata = metadata
            record.revision &+= 1
            record.lastUpdatedTime = now
            state.records[service] = record
            return metadata
        }
    }

    /// Drops the metadata of `service` (its record in the store was deleted) and increments its revision.
    public func removeMetadata(of service: Service, now: Int64) {
        self.state.withLock { state in
            guard var record = state.records[service] else { return }
            record.metadata = nil
            record.revision &+= 1
            record.lastUpdatedTime = now
            state.records[service] = record
        }
    }

    /// The metadata of `service`, or `nil` when none was set.
    public func metadata(of service: Service) -> ServiceMetadata? {
        self.state.withLock { $0.records[service]?.metadata }
    }

    /// Removes `service`; returns its record, or `nil`.
    @discardableResult
    public func remove(_ service: Service) -> Record? {
        self.state.withLock { state in
            guard let record = state.records.removeValue(forKey: service) else { return nil }
            state.namespaces[service.namespace]?.remove(service)
            if state.namespaces[service.namespace]?.isEmpty == true {
                state.namespaces[service.namespace] = nil
            }
            return record
        }
    }

    /// The services of `namespace`.
    public func services(inNamespace namespace: String) -> [Service] {
        self.state.withLock { Array($0.namespaces[namespace] ?? []) }
    }

    /// Every namespace that has a service.
    public var namespaces: [String] { self.state.withLock { Array($0.namespaces.keys) } }

    /// Every service record.
    public var records: [Record] { self.state.withLock { Array($0.records.values) } }

    /// How many services exist.
    public var serviceCount: Int { self.state.withLock { $0.records.count } }
}
