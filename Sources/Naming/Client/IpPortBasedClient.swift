import NacosRemote

/// The client of an ip:port publisher (reference §6.2): HTTP/1.x registrations (`ip:port#true`,
/// ephemeral, kept alive by beats) and persistent instances (`ip:port#false`, checked by the server).
public final class IpPortBasedClient: Client {
    /// The id, `ip:port#true` or `ip:port#false`.
    public let clientId: String
    /// Whether the client's instances are ephemeral.
    public let isEphemeral: Bool
    /// The part of the id before `#`, which decides the responsible node.
    public let responsibleId: String
    /// The client's data.
    public let storage: ClientStorage

    /// Creates the client with id `clientId` (`ip:port#true|false`); its instances and subscriptions are
    /// counted in `counters`.
    public init(clientId: String, now: Int64, counters: ClientCounters? = nil) {
        self.clientId = clientId
        let parts = Self.parse(clientId)
        self.responsibleId = parts.address
        self.isEphemeral = parts.ephemeral
        self.storage = ClientStorage(now: now, counters: counters)
    }

    /// The id of the ip:port client for `address` (`ip:port`): `ip:port#true` or `ip:port#false`.
    public static func clientId(address: String, ephemeral: Bool) -> String {
        address + "#" + (ephemeral ? "true" : "false")
    }

    /// Splits an id into its address and ephemeral flag (an id without `#false` is ephemeral).
    public static func parse(_ clientId: String) -> (address: String, ephemeral: Bool) {
        guard let hash = clientId.lastIndex(of: "#") else { return (clientId, true) }
        return (String(clientId[..<hash]), clientId[clientId.index(after: hash)...] != "false")
    }

    /// An ephemeral ip:port client expires when it publishes nothing and has not been updated for 30 s
    /// (or for the push cache time while it still subscribes), or when it has not been updated for
    /// `clientExpiredTime`; persistent clients never expire by time.
    public func isExpired(now: Int64, configuration: NamingConfiguration) -> Bool {
        guard self.isEphemeral else { return false }
        let noUpdate = now - self.storage.lastUpdatedTime
        if self.storage.hasNoPublications && noUpdate > configuration.emptyIpPortClientExpiry.wholeMilliseconds
            && (self.storage.hasNoSubscriptions || noUpdate > configuration.pushCacheMillis)
        {
            return true
        }
        return noUpdate > configuration.clientExpiredTime.wholeMilliseconds
    }

    /// Recomputes the revision as a content hash of the publications (Nacos's `DistroUtils.hash`; opaque,
    /// compared only with what a peer was sent).
    public func refreshRevision() {
        var hash: UInt64 = 14_695_981_039_346_656_037
        func mix(_ text: String) {
            for byte in text.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 1_099_511_628_211
            }
        }
        let publications = self.storage.publications.sorted { $0.key.groupedServiceName < $1.key.groupedServiceName }
        for (service, publication) in publications {
            mix(service.namespace)
            mix(service.groupedServiceName)
            for info in publication.instances {
                mix(info.address)
                mix(info.cluster)
                mix(info.healthy ? "1" : "0")
            }
        }
        self.storage.setRevision(Int64(bitPattern: hash & 0x7FFF_FFFF_FFFF_FFFF))
    }
}
