import NacosRemote

/// Checks the beats of ephemeral ip:port instances (Nacos's `ClientBeatCheckTaskV2`, reference §6.6): an
/// instance without a beat for its heart-beat timeout (15 s, or metadata `preserved.heart.beat.timeout`)
/// turns unhealthy; one without a beat for its delete timeout (30 s, or `preserved.ip.delete.timeout`) is
/// removed when `expireInstance` is on. Only clients this node is responsible for are checked.
public struct EphemeralBeatChecker: Sendable {
    private let clients: IpPortClientManager
    private let operations: ClientOperationService
    private let configuration: NamingConfiguration

    /// Creates a checker over the ephemeral ip:port clients.
    public init(clients: IpPortClientManager, operations: ClientOperationService, configuration: NamingConfiguration) {
        self.clients = clients
        self.operations = operations
        self.configuration = configuration
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
        for client in self.clients.allClients where self.clients.isResponsible(client) {
            for (service, publication) in client.storage.publications {
                for info in publication.instances {
                    let silence = now - info.lastHeartBeatTime
                    if self.configuration.expireInstance && silence > info.ipDeleteTimeoutMillis {
                        self.operations.expireInstance(of: client, service: service)
                        outcome.removed.append(info.address)
                    } else if info.healthy && silence > info.heartBeatTimeoutMillis {
                        if self.operations.setHealth(false, of: client, service: service, ip: info.ip, port: info.port) {
                            outcome.markedUnhealthy.append(info.address)
                        }
                    }
                }
            }
        }
        return outcome
    }
}
