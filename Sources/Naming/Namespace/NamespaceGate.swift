import NacosNamingAPI
public import NacosRemote

/// Decides whether a write may go into a namespace: one that exists, or, when the registry auto-creates
/// namespaces (as Nacos does), a new one that it creates on the way.
public struct NamespaceGate: Sendable {
    /// The namespaces.
    public let namespaces: NamespaceManager
    /// Whether a write into an unknown namespace creates it (else it is refused).
    public let autoCreate: Bool
    private let writer: NamingStoreWriter

    /// Creates the gate.
    public init(namespaces: NamespaceManager, autoCreate: Bool, writer: NamingStoreWriter) {
        self.namespaces = namespaces
        self.autoCreate = autoCreate
        self.writer = writer
    }

    /// Lets a write into `namespace` (blank: `public`) pass.
    ///
    /// - Throws: `NacosException` 400 naming the namespace when it does not exist and is not auto-created.
    public func admit(_ namespace: String) throws(NacosException) {
        let id = NamingDefaults.namespace(namespace)
        guard !self.namespaces.contains(id) else { return }
        guard self.autoCreate else {
            throw NacosException(
                .invalidParam,
                "namespace \(id) does not exist: create it first (POST /nacos/v1/console/namespaces), or let the server create namespaces on first use (nacos.naming.namespace.auto-create=true)"
            )
        }
        let created = Namespace(id: id, name: id, description: "created on first use")
        self.namespaces.apply(created)
        self.writer.commitInBackground([NamingStoreCodec.put(created)])
    }
}
