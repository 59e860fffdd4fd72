/// The `module` a request reports in its JSON body (`internal`, `naming`, `cluster`, `config`).
///
/// Extensible like the error codes: a module this package does not name can be created from its string.
public struct NacosRequestModule: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The module name as written on the wire.
    public var rawValue: String

    /// Creates a module from its wire name.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Connection management: server check, setup, health checks, resets, loader requests.
    public static let `internal` = NacosRequestModule(rawValue: "internal")
    /// Service discovery requests.
    public static let naming = NacosRequestModule(rawValue: "naming")
    /// Server-to-server requests on the cluster port (Distro, membership).
    public static let cluster = NacosRequestModule(rawValue: "cluster")
    /// Configuration requests (not served by this package, named for completeness).
    public static let config = NacosRequestModule(rawValue: "config")

    /// The wire name.
    public var description: String { self.rawValue }
}
