/// What a request acts on, in Nacos's permission form `namespace:group:type/name` (for example
/// `public:DEFAULT_GROUP:naming/orders`), with `*` for a whole group or every name.
public struct AuthResource: Sendable, Hashable, CustomStringConvertible {
    /// The namespace id (`public` for the default namespace, whatever spelling the request used).
    public var namespace: String
    /// The group, or `*` for every group.
    public var group: String
    /// The resource type: `naming` for services.
    public var type: String
    /// The resource name (a service name), or `*` for every one.
    public var name: String

    /// Creates a resource; a blank namespace is `public`, a blank group or name is `*`.
    public init(namespace: String, group: String, type: String = "naming", name: String) {
        self.namespace = Self.normalizedNamespace(namespace)
        self.group = group.isEmpty ? "*" : group
        self.type = type
        self.name = name.isEmpty ? "*" : name
    }

    /// The service `name` of `group` in `namespace` (a blank group is `DEFAULT_GROUP`); a `group@@name`
    /// service name carries its own group, as Nacos's naming requests may.
    public static func service(namespace: String?, group: String?, name: String?) -> AuthResource {
        var group = group ?? ""
        var name = name ?? ""
        let utf8 = Array(name.utf8)
        if let at = utf8.indices.dropLast().first(where: { utf8[$0] == UInt8(ascii: "@") && utf8[$0 + 1] == UInt8(ascii: "@") }) {
            group = String(decoding: utf8[..<at], as: UTF8.self)
            name = String(decoding: utf8[(at + 2)...], as: UTF8.self)
        }
        return AuthResource(namespace: namespace ?? "", group: group.isEmpty ? "DEFAULT_GROUP" : group, name: name)
    }

    /// `namespace:group:type/name`, as permissions are matched against it.
    public var description: String { "\(self.namespace):\(self.group):\(self.type)/\(self.name)" }

    /// `public` for the blank and `public` spellings of the default namespace, others unchanged.
    public static func normalizedNamespace(_ namespace: String) -> String {
        namespace.isEmpty ? "public" : namespace
    }
}
