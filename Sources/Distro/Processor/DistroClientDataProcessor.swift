public import NacosNaming
public import NacosTransport
import NacosRemote
import Synchronization

/// Both ends of replicating naming clients between members (Nacos's `DistroClientDataProcessor`,
/// reference §7.3): on the sender it decides which clients this member replicates and produces their
/// data, verify claims and snapshot; on the receiver it applies what peers send to the registry.
///
/// This member replicates the ephemeral clients it is responsible for: the connection clients it holds
/// (native) and the `ip:port#true` clients whose address the Distro mapper gives it. Persistent
/// (`ip:port#false`) clients are never replicated. Received data creates or updates a synced copy —
/// a non-native connection client, or an ephemeral ip:port client — and is never applied to a native
/// connection client. Applying and removing are serialised, so two syncs of one client never interleave.
public final class DistroClientDataProcessor: Sendable {
    private let registry: NamingRegistry
    private let logger: NacosLogger
    private let applying = Mutex(())

    /// Creates the processor over `registry`.
    public init(registry: NamingRegistry, logger: NacosLogger = NacosLogger(label: "nacos.distro")) {
        self.registry = registry
        self.logger = logger
    }

    // MARK: - Sender

    /// Whether a change of client `clientId` is replicated by this member: a connection client when it
    /// is native (`isNative`), an `ip:port#true` client when this member is responsible for its address,
    /// a persistent client never.
    public func shouldSync(clientId: String, isNative: Bool) -> Bool {
        switch Self.kind(of: clientId) {
        case .persistent: false
        case .ephemeralIpPort: self.registry.clients.ephemeralIpPortClients.isResponsible(address: IpPortBasedClient.parse(clientId).address)
        case .connection: isNative
        }
    }

    /// Whether a change of the existing client `clientId` is replicated by this member, its nativeness
    /// looked up (for `clientChanged` events, which do not carry it); `false` for an unknown connection client.
    public func shouldSync(clientId: String) -> Bool {
        let isNative = self.registry.clients.connectionClients.connectionClient(clientId)?.isNative ?? false
        return self.shouldSync(clientId: clientId, isNative: isNative)
    }

    /// The current data of client `clientId`, or `nil` when it is unknown or persistent.
    public func syncData(clientId: String) -> ClientSyncData? {
        guard let client = self.registry.clients.client(clientId), client.isEphemeral else { return nil }
        return Self.syncData(of: client)
    }

    /// Whether this member holds client `clientId` publishing at least one instance and every one of them
    /// healthy: a light beat for it, which can only renew (and revive) an instance, changes nothing this
    /// member shows.
    public func holdsHealthyInstances(clientId: String) -> Bool {
        guard let client = self.registry.clients.client(clientId) else { return false }
        let publications = client.storage.publications
        return !publications.isEmpty && publications.values.allSatisfy { $0.instances.allSatisfy(\.healthy) }
    }

    /// The claims this member verifies with its peers: every native connection client and every
    /// `ip:port#true` client it is responsible for, at their revisions.
    public func responsibleVerifyInfos() -> [DistroClientVerifyInfo] {
        let clients = self.registry.clients
        var infos: [DistroClientVerifyInfo] = []
        for client in clients.connectionClients.allClients where client.isNative {
            infos.append(DistroClientVerifyInfo(clientId: client.clientId, revision: client.revision))
        }
        let ipPort = clients.ephemeralIpPortClients
        for client in ipPort.allClients where ipPort.isResponsible(client) {
            infos.append(DistroClientVerifyInfo(clientId: client.clientId, revision: client.revision))
        }
        return infos
    }

    /// The data of every ephemeral client this member holds, native and synced (a SNAPSHOT answer).
    public func snapshot() -> ClientSyncDatumSnapshot {
        let clients = self.registry.clients
        var list: [ClientSyncData] = []
        for client in clients.connectionClients.allClients {
            list.append(Self.syncData(of: client))
        }
        for client in clients.ephemeralIpPortClients.allClients {
            list.append(Self.syncData(of: client))
        }
        return ClientSyncDatumSnapshot(clientSyncDataList: list)
    }

    // MARK: - Receiver

    /// Applies a peer's data of one client (ADD or CHANGE): creates the synced copy when absent, then
    /// makes it publish exactly what `data` holds and takes over its revision. Data of a persistent
    /// client, or of a connection client this member holds natively, is ignored (and logged). Returns
    /// whether the data was applied.
    @discardableResult
    public func apply(_ data: ClientSyncData) -> Bool {
        var changed = Set<Service>()
        let applied = self.applying.withLock { _ in self.applyLocked(data, changedServices: &changed) }
        self.registry.operations.publishServicesChanged(changed)
        return applied
    }

    /// Removes the synced copy of client `clientId` (DELETE) and releases its instances and subscriptions.
    /// A native connection client and persistent clients are left alone (and logged). Returns whether a
    /// client was removed.
    @discardableResult
    public func remove(clientId: String) -> Bool {
        self.applying.withLock { _ in
            let clients = self.registry.clients
            switch Self.kind(of: clientId) {
            case .persistent:
                self.logger.warning("ignored a Distro delete of persistent client \(clientId)")
                return false
            case .ephemeralIpPort:
                guard let client = clients.ephemeralIpPortClients.removeClient(clientId) else { return false }
                self.registry.operations.release(client, isNative: false)
                return true
            case .connection:
                guard let client = clients.connectionClients.connectionClient(clientId) else { return false }
                guard !client.isNative else {
                    self.logger.warning("ignored a Distro delete of native connection client \(clientId)")
                    return false
                }
                return clients.connectionClients.clientDisconnected(clientId)
            }
        }
    }

    /// Checks a peer's claims (VERIFY): a claim holds when the client exists here and its revision is 0
    /// or the stored one; the client is then renewed (a synced connection client's renewal time; an
    /// ip:port client's update time and instance beat times). Returns the ids of the claims that failed,
    /// in order; the peer then sends those clients' whole data.
    public func verify(_ infos: [DistroClientVerifyInfo]) -> [String] {
        let clients = self.registry.clients
        let now = self.registry.clock.nowMillis()
        var failed: [String] = []
        for info in infos where !clients.verifyClient(info.clientId, revision: info.revision, now: now) {
            failed.append(info.clientId)
        }
        if !failed.isEmpty {
            self.logger.debug("\(failed.count) of \(infos.count) Distro claims failed verification")
        }
        return failed
    }

    /// Applies a peer's snapshot (start-up load): each client's data as if it had been synced.
    public func applySnapshot(_ snapshot: ClientSyncDatumSnapshot) {
        var changed = Set<Service>()
        self.applying.withLock { _ in
            for data in snapshot.clientSyncDataList {
                self.applyLocked(data, changedServices: &changed)
            }
        }
        self.registry.operations.publishServicesChanged(changed)
    }

    // MARK: - Steps

    @discardableResult
    private func applyLocked(_ data: ClientSyncData, changedServices: inout Set<Service>) -> Bool {
        let clients = self.registry.clients
        let now = self.registry.clock.nowMillis()
        let client: any Client
        switch Self.kind(of: data.clientId) {
        case .persistent:
            self.logger.warning("ignored Distro data of persistent client \(data.clientId)")
            return false
        case .ephemeralIpPort:
            let ipPortClient = clients.ephemeralIpPortClients.syncClient(data.clientId)
            ipPortClient.storage.touch(now: now)
            client = ipPortClient
        case .connection:
            let connectionClient = clients.connectionClients.syncClient(data.clientId)
            guard !connectionClient.isNative else {
                self.logger.warning("ignored Distro data of native connection client \(data.clientId)")
                return false
            }
            connectionClient.storage.renew(now: now)
            client = connectionClient
        }
        return self.registry.operations.applySyncedPublications(
            data.publications,
            to: client,
            revision: data.revision,
            changedServices: &changedServices
        )
    }

    private static func syncData(of client: any Client) -> ClientSyncData {
        let publications = client.storage.publications
        return ClientSyncData(clientId: client.clientId, revision: client.storage.revision, publications: publications)
    }

    private enum ClientKind {
        case connection
        case ephemeralIpPort
        case persistent
    }

    private static func kind(of clientId: String) -> ClientKind {
        if clientId.hasSuffix("#false") { return .persistent }
        if clientId.hasSuffix("#true") { return .ephemeralIpPort }
        return .connection
    }
}
