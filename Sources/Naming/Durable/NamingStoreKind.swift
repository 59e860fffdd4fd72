/// The kinds of record the registry keeps in its `NacosStore`; each value is a JSON object that
/// `NamingStoreCodec` writes and reads.
public enum NamingStoreKind {
    /// A persistent instance with its health, keyed by service and `ip:port`.
    public static let instance = "instance"
    /// A service's metadata (protect threshold, selector, metadata, cluster settings), keyed by service.
    public static let service = "service"
    /// An operator's overlay on one instance, keyed by service and metadata id `ip:port:cluster`.
    public static let instanceMetadata = "instance-metadata"
    /// A namespace, keyed by its id.
    public static let namespace = "namespace"
    /// The switches operators changed, in one record keyed `overrides`.
    public static let switches = "switches"
    /// Every kind the registry keeps.
    public static let all: Set<String> = [Self.instance, Self.service, Self.instanceMetadata, Self.namespace, Self.switches]
    /// The key of the one switches record.
    public static let switchesKey = "overrides"
}
