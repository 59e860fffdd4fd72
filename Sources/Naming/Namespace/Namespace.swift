import NacosNamingAPI
import NacosRemote

/// A namespace as Nacos's console API shows it (Nacos's `Namespace`): the id that services carry, a
/// display name, a description, the quota and its type.
public struct Namespace: Sendable, Hashable {
    /// The kinds of namespace Nacos tells apart (`NamespaceTypeEnum`).
    public enum Kind: Int, Sendable, Hashable {
        /// The built-in `public` namespace.
        case global = 0
        /// A namespace created by an operator.
        case custom = 2
    }

    /// The id services are registered under (`namespace` in Nacos's JSON).
    public var id: String
    /// The display name (`namespaceShowName`).
    public var name: String
    /// The description (`namespaceDesc`).
    public var description: String
    /// The configuration quota Nacos shows (200 by default; not enforced by naming).
    public var quota: Int
    /// The kind.
    public var kind: Kind

    /// Creates a namespace.
    public init(id: String, name: String, description: String = "", quota: Int = Namespace.defaultQuota, kind: Kind = .custom) {
        self.id = id
        self.name = name
        self.description = description
        self.quota = quota
        self.kind = kind
    }

    /// Nacos's default quota.
    public static let defaultQuota = 200

    /// The built-in namespace, always present and never deleted.
    public static let `public` = Namespace(
        id: NamingDefaults.namespace(nil),
        name: "public",
        description: "Public Namespace",
        kind: .global
    )

    /// Why `id` cannot name a new namespace (Nacos: at most 128 characters of `[A-Za-z0-9_-]`), or `nil`.
    public static func illegalReason(id: String) -> String? {
        guard !id.isEmpty else { return "namespaceId is required" }
        guard id.utf8.count <= 128 else { return "too long namespaceId, over 128" }
        let allowed = id.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F || byte == 0x2D
        }
        return allowed ? nil : "namespaceId [\(id)] mismatch the pattern ^[\\w-]+$"
    }

    /// Why `name` cannot be a display name (Nacos refuses `@#$%^&*` and blanks), or `nil`.
    public static func illegalReason(name: String) -> String? {
        guard !name.isBlank else { return "namespaceName is required" }
        guard name.count <= 256 else { return "too long namespaceName, over 256" }
        return name.contains(where: { "@#$%^&*".contains($0) }) ? "namespaceName [\(name)] contains illegal char" : nil
    }
}
