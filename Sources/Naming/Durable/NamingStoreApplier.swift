import NacosNamingAPI
import NacosRemote
import NacosStore
import NacosTransport
import Synchronization

/// Makes memory follow the store: loads the snapshot at start, then applies each change of the store's
/// feed — this node's commits and, on a shared store, other nodes' — in revision order, and publishes the
/// events that push subscribers.
///
/// A record that cannot be read is logged with its key and counted, never applied half.
public final class NamingStoreApplier: Sendable {
    private let configuration: NamingConfiguration
    private let services: ServiceManager
    private let indexes: ClientServiceIndexesManager
    private let storage: ServiceStorage
    private let operations: ClientOperationService
    private let instanceMetadata: InstanceMetadataStore
    private let switches: NamingSwitches
    private let namespaces: NamespaceManager
    private let events: RegistryEventBus
    private let clock: any NacosClock
    private let logger: NacosLogger
    private let counters = Mutex<(applied: UInt64, unreadable: UInt64, revision: Int64)>((0, 0, 0))

    /// Creates the applier over the registry's parts.
    init(
        configuration: NamingConfiguration,
        services: ServiceManager,
        indexes: ClientServiceIndexesManager,
        storage: ServiceStorage,
        operations: ClientOperationService,
        instanceMetadata: InstanceMetadataStore,
        switches: NamingSwitches,
        namespaces: NamespaceManager,
        events: RegistryEventBus,
        clock: any NacosClock,
        logger: NacosLogger
    ) {
        self.configuration = configuration
        self.services = services
        self.indexes = indexes
        self.storage = storage
        self.operations = operations
        self.instanceMetadata = instanceMetadata
        self.switches = switches
        self.namespaces = namespaces
        self.events = events
        self.clock = clock
        self.logger = logger
    }

    /// Changes applied from the feed and the snapshot.
    public var appliedRecords: UInt64 { self.counters.withLock { $0.applied } }
    /// Records that could not be read (logged with their key).
    public var unreadableRecords: UInt64 { self.counters.withLock { $0.unreadable } }
    /// The revision of the last change applied.
    public var revision: Int64 { self.counters.withLock { $0.revision } }

    /// Loads `snapshot` into memory without events (nothing subscribes before the node serves): the
    /// namespaces and services first, then overlays, instances and switches.
    func load(_ snapshot: NacosStoreSnapshot) {
        let order = [NamingStoreKind.namespace, NamingStoreKind.service, NamingStoreKind.instanceMetadata, NamingStoreKind.instance, NamingStoreKind.switches]
        var byKind: [String: [(NacosStoreKey, [UInt8])]] = [:]
        for (key, value) in snapshot.records { byKind[key.kind, default: []].append((key, value)) }
        for kind in order {
            for (key, value) in byKind[kind] ?? [] {
                self.apply(NacosStoreMutation(key: key, value: value), announce: false)
            }
        }
        for kind in byKind.keys where !order.contains(kind) {
            self.logger.warning("the store holds \(byKind[kind]?.count ?? 0) record(s) of unknown kind '\(kind)'; a newer node wrote them, they are kept but not used")
        }
        self.counters.withLock { $0.revision = snapshot.revision }
    }

    /// Applies one batch of the feed, in order.
    func apply(_ changes: [NacosStoreChange]) {
        for change in changes {
            self.apply(change.mutation, announce: true)
        }
        if let last = changes.last {
            self.counters.withLock { $0.revision = max($0.revision, last.revision) }
        }
    }

    private func apply(_ mutation: NacosStoreMutation, announce: Bool) {
        do {
            try self.applyOrThrow(mutation, announce: announce)
            self.counters.withLock { $0.applied += 1 }
        } catch {
            self.counters.withLock { $0.unreadable += 1 }
            self.logger.error("store record \(mutation.key) cannot be read and was not applied: \(error)")
        }
    }

    private func applyOrThrow(_ mutation: NacosStoreMutation, announce: Bool) throws(NacosRemoteError) {
        let key = mutation.key
        switch key.kind {
        case NamingStoreKind.instance:
            if let value = mutation.value {
                let record = try NamingStoreCodec.instance(value)
                self.operations.applyStoredPersistentInstance(record.info, service: record.service, announce: announce)
            } else {
                let parts = try Self.keyParts(key.key, count: 4)
                let service = Service(namespace: parts[0], group: parts[1], name: parts[2], ephemeral: false)
                self.operations.applyStoredPersistentInstanceRemoval(address: parts[3], service: service)
            }
        case NamingStoreKind.service:
            if let value = mutation.value {
                let record = try NamingStoreCodec.service(value)
                let now = self.clock.nowMillis()
                self.services.setMetadata(record.metadata, for: record.service.withEphemeral(record.metadata.ephemeral), now: now)
                if announce { self.announce(record.service) }
            } else {
                let parts = try Self.keyParts(key.key, count: 3)
                self.removeService(Service(namespace: parts[0], group: parts[1], name: parts[2]))
            }
        case NamingStoreKind.instanceMetadata:
            if let value = mutation.value {
                let record = try NamingStoreCodec.overlay(value)
                do {
                    try self.instanceMetadata.update(record.service, metadataId: record.metadataId) { $0 = record.metadata }
                } catch {
                    throw NacosRemoteError(.malformedBody, error.message)
                }
                if announce { self.announce(record.service) }
            } else {
                let parts = try Self.keyParts(key.key, count: 4)
                let service = Service(namespace: parts[0], group: parts[1], name: parts[2])
                if self.instanceMetadata.remove(service, metadataId: parts[3]), announce { self.announce(service) }
            }
        case NamingStoreKind.namespace:
            if let value = mutation.value {
                self.namespaces.apply(try NamingStoreCodec.namespace(value))
            } else {
                self.namespaces.applyRemoval(key.key)
            }
        case NamingStoreKind.switches:
            var domain = SwitchDomain(configuration: self.configuration)
            var overrides: [(entry: String, value: String)] = []
            if let value = mutation.value { overrides = try NamingStoreCodec.switchOverrides(value) }
            for override in overrides {
                do {
                    try domain.update(entry: override.entry, value: override.value)
                } catch {
                    self.logger.warning("stored switch \(override.entry)=\(override.value) is not applied: \(error.message)")
                }
            }
            self.switches.replace(with: domain, overrides: overrides)
        default:
            break
        }
    }

    /// Removes a service whose metadata record was deleted: the whole service when nothing publishes it,
    /// else only its metadata.
    private func removeService(_ service: Service) {
        guard let singleton = self.services.existingSingleton(for: service) else { return }
        if self.storage.instances(of: singleton).isEmpty {
            self.indexes.removeEmptyPublisherIndex(singleton)
            self.services.remove(singleton)
            self.storage.remove(singleton)
            self.instanceMetadata.removeAll(of: singleton)
        } else {
            self.services.removeMetadata(of: singleton, now: self.clock.nowMillis())
            self.announce(singleton)
        }
    }

    /// Tells subscribers of `service` that what they see may have changed.
    private func announce(_ service: Service) {
        guard let singleton = self.services.existingSingleton(for: service) else { return }
        self.storage.invalidate(singleton)
        self.services.markChanged(singleton, incrementRevision: true, now: self.clock.nowMillis())
        self.events.publish(.serviceChanged(singleton, incrementRevision: true))
    }

    private static func keyParts(_ key: String, count: Int) throws(NacosRemoteError) -> [String] {
        let parts = try NacosJSONParser.parse(NacosByteBuffer(string: key))
        guard case .array(let values) = parts, values.count == count else {
            throw NacosRemoteError(.malformedBody, "the stored key \(key) does not have \(count) parts")
        }
        var strings: [String] = []
        for value in values {
            guard case .string(let text) = value else { throw NacosRemoteError(.malformedBody, "the stored key \(key) has a part that is not a string") }
            strings.append(text)
        }
        return strings
    }
}
