/// The instances one connection published for a service with `BatchInstanceRequest` (reference §3.2).
public struct BatchInstancePublishInfo: Sendable, Hashable {
    /// The instances, in the order they were sent.
    public var instances: [InstancePublishInfo]

    /// Creates a batch.
    public init(instances: [InstancePublishInfo]) {
        self.instances = instances
    }
}
