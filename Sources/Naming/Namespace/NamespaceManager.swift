import NacosNamingAPI
import Synchronization

/// The namespaces of the node (what Nacos keeps in its `tenant_info` table): `public` always, the others
/// as the console API and the store made them. The registry's writes ask it whether a namespace exists.
public final class NamespaceManager: Sendable {
    private let namespaces = Mutex<[String: Namespace]>([Namespace.public.id: Namespace.public])

    /// Creates a manager that holds `public` only.
    public init() {}

    /// Every namespace, `public` first and the others by id.
    public var all: [Namespace] {
        let namespaces = self.namespaces.withLock { Array($0.values) }
        return namespaces.sorted { left, right in
            if left.kind != right.kind { return left.kind == .global }
            return left.id < right.id
        }
    }

    /// The namespace `id` (blank reads as `public`), or `nil`.
    public func namespace(_ id: String?) -> Namespace? {
        let id = NamingDefaults.namespace(id)
        return self.namespaces.withLock { $0[id] }
    }

    /// Whether namespace `id` exists (blank reads as `public`).
    public func contains(_ id: String) -> Bool {
        self.namespace(id) != nil
    }

    /// Sets `namespace` (the store's change feed applies it); `public` keeps its kind.
    func apply(_ namespace: Namespace) {
        self.namespaces.withLock { namespaces in
            var namespace = namespace
            if namespace.id == Namespace.public.id { namespace.kind = .global }
            namespaces[namespace.id] = namespace
        }
    }

    /// Removes namespace `id` (the store's change feed applies it); `public` stays.
    func applyRemoval(_ id: String) {
        guard id != Namespace.public.id else { return }
        self.namespaces.withLock { _ = $0.removeValue(forKey: id) }
    }

    /// How many namespaces there are, `public` included.
    public var count: Int { self.namespaces.withLock { $0.count } }
}
