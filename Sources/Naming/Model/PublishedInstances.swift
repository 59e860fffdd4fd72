/// A client's publication for one service: a single instance, or a batch (Nacos's
/// `InstancePublishInfo` / `BatchInstancePublishInfo` subclass pair).
public enum PublishedInstances: Sendable, Hashable {
    /// One instance (InstanceRequest, HTTP register, persistent register).
    case single(InstancePublishInfo)
    /// A batch (BatchInstanceRequest).
    case batch(BatchInstancePublishInfo)

    /// Every instance of the publication.
    public var instances: [InstancePublishInfo] {
        switch self {
        case .single(let info): [info]
        case .batch(let batch): batch.instances
        }
    }

    /// How many instances the publication holds.
    public var count: Int {
        switch self {
        case .single: 1
        case .batch(let batch): batch.instances.count
        }
    }

    /// The publication with `transform` applied to each instance.
    public func mapInstances(_ transform: (inout InstancePublishInfo) -> Void) -> PublishedInstances {
        switch self {
        case .single(var info):
            transform(&info)
            return .single(info)
        case .batch(var batch):
            for index in batch.instances.indices { transform(&batch.instances[index]) }
            return .batch(batch)
        }
    }
}
