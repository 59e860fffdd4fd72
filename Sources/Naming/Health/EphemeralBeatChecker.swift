import NacosNamingAPI
import NacosRemote

/// Checks the beats of ephemeral ip:port instances (Nacos's `ClientBeatCheckTaskV2`, reference §6.6): an
/// instance without a beat for its heart-beat timeout (15 s, or metadata `preserved.heart.beat.timeout`)
/// turns unhealthy; one without a beat for its delete timeout (30 s, or `preserved.ip.delete.timeout`) is
/// removed when `expireInstance` is on. An instance overlay's metadata wins over the instance's for both
/// timeouts. Only clients this node is responsible for are checked, and nothing while the switch
/// `healthCheckEnabled` is off (except white-listed services).
public struct EphemeralBeatChecker: Sendable {
    private let clients: IpPortClientManager
    private let operations: ClientOperationService
    private let configuration: NamingConfiguration
    private let switches: NamingSwitches
    private let instanceMetadata: InstanceMetadataStore

    /// Creates a checker over the ephemeral ip:port clients.
    public init(
        clients: IpPortClientManager,
        operations: ClientOperationService,
        configuration: NamingConfiguration,
        switches: NamingSwitches,
        instanceMetadata: InstanceMetadataStore
    ) {
        self.clients = clients
        self.operations = operations
        self.configuration = configuration
        self.switches = switches
        self.instanceMetadata = instanceMetadata
    }

    /// What one pass did.
    public struct Outcome: Sendable, Equatable {
        /// Instances marked unhealthy, as `ip:port`.
        public var markedUnhealthy: [String] = []
        /// Instances removed, as `ip:port`.
        public var removed: [String] = []
    }

    /// Checks every instance once against `now`.
    @discardableResult
    public func checkOnce(now: Int64) -> Outcome {
        var outcome = Outcome()
        let switches = self.switches.current
        for client in self.clients.allClients where self.clients.isResponsible(client) {
            for (service, publication) in client.storage.publications
            where switches.isHealthCheckEnabled(for: service.groupedServiceName) {
                for info in publication.instances {
                    let overlay = self.instanceMetadata.metadata(of: service, metadataId: info.metadataId)?.extendData
                    let silence = now - info.lastHeartBeatTime
                    let deleteTimeout = Self.millis(overlay?[NamingDefaults.ipDeleteTimeoutKey]) ?? info.ipDeleteTimeoutMillis
                    let beatTimeout = Self.millis(overlay?[NamingDefaults.heartBeatTimeoutKey]) ?? info.heartBeatTimeoutMillis
                    if self.configuration.expireInstance && silence > deleteTimeout {
                        self.operations.expireInstance(of: client, service: service)
                        outcome.removed.append(info.address)
                    } else if info.healthy && silence > beatTimeout {
                        if self.operations.setHealth(false, of: client, service: service, ip: info.ip, port: info.port) {
                            outcome.markedUnhealthy.append(info.address)
                        }
                    }
                }
            }
        }
        return outcome
    }

    private static func millis(_ text: String?) -> Int64? {
        guard let text else { return nil }
        return Int64(text.trimmingBlanks)
    }
}
