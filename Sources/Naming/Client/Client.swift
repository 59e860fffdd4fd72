/// One publisher identity in the registry (reference §6.2): a naming connection, or an ip:port that
/// registered over HTTP or as a persistent instance.
///
/// Conforming types keep their data in a `ClientStorage`; the registry's operation services change it
/// and publish the matching events.
public protocol Client: AnyObject, Sendable {
    /// The client id: a connection id, or `ip:port#true|false`.
    var clientId: String { get }
    /// Whether the client's instances are ephemeral.
    var isEphemeral: Bool { get }
    /// The client's publications, subscriptions and timestamps.
    var storage: ClientStorage { get }
    /// Whether the client has expired at `now` and should be removed by its manager's cleaner.
    func isExpired(now: Int64, configuration: NamingConfiguration) -> Bool
}

extension Client {
    /// The client's revision.
    public var revision: Int64 { self.storage.revision }

    /// Every instance this client publishes for `service`.
    public func instances(of service: Service) -> [InstancePublishInfo] {
        self.storage.publication(of: service)?.instances ?? []
    }
}
