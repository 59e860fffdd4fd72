/// One setting of nacos-server: its property name, type, default and meaning, and how a value of it
/// changes a `NacosServerConfiguration`. `NacosServerConfigurationKey.all` is the one table that the
/// loader, `--help` and docs/configuration.md follow.
public struct NacosServerConfigurationKey: Sendable {
    /// The part of the server a key configures, which groups keys in `--help` and the docs.
    public enum Section: String, Sendable, CaseIterable {
        /// Ports, addresses, mode, logging and shutdown.
        case server = "Server"
        /// TLS of the client RPC, cluster RPC and HTTP ports.
        case tls = "TLS"
        /// The RPC ports and the connection manager.
        case remote = "RPC and connections"
        /// The naming core: push, clients, services, health checks.
        case naming = "Naming"
        /// Cluster mode: Distro replication, member health reports, the automatic rebalance.
        case cluster = "Cluster"
        /// The HTTP port.
        case http = "HTTP"
        /// Users, roles, permissions, tokens and the server identity (Nacos's auth plugin).
        case auth = "Auth"
    }

    /// The property name (`server.port`).
    public let name: String
    /// Other names that set the same value (Nacos 3.x or older names); the main name wins within one source.
    public let aliases: [String]
    /// The kind of value.
    public let type: NacosServerConfigurationValueType
    /// The part of the server the key configures.
    public let section: Section
    /// Whether the name is Nacos's own (or Spring Boot's, for Nacos's Spring settings); otherwise it is ours.
    public let isNacosName: Bool
    /// One line saying what the key does.
    public let meaning: String
    /// The default as text, in the form the key accepts (or a phrase such as `server.port + 1000`).
    public let defaultValue: String
    /// What a valid value looks like, used in error messages (`an integer in 0...65535`).
    public let expectation: String

    private let parseAndApply: @Sendable (String, inout NacosServerConfiguration) -> Bool
    private let render: @Sendable (NacosServerConfiguration) -> String

    /// The environment variable that sets the key: Spring's relaxed form, upper case with `.` and `-` as `_`.
    public var environmentVariable: String { Self.environmentVariable(for: self.name) }

    /// The key's value in `configuration`, in the form the key accepts.
    public func value(in configuration: NacosServerConfiguration) -> String {
        self.render(configuration)
    }

    /// Parses `text` and stores it in `configuration`.
    ///
    /// - Throws: `NacosServerConfigurationError` of kind `.invalidValue` naming the key, `source`, the
    ///   value and what was expected; `configuration` is then unchanged.
    public func apply(
        _ text: String,
        from source: NacosServerConfigurationSource,
        to configuration: inout NacosServerConfiguration
    ) throws(NacosServerConfigurationError) {
        guard self.parseAndApply(text, &configuration) else {
            throw NacosServerConfigurationError(
                kind: .invalidValue,
                key: self.name,
                source: source,
                message: "invalid value \"\(text)\" for \(self.name) (from \(source)): expected \(self.expectation)"
            )
        }
    }

    /// Spring's relaxed environment name of a property: `nacos.naming.expireInstance` → `NACOS_NAMING_EXPIREINSTANCE`.
    public static func environmentVariable(for name: String) -> String {
        String(name.uppercased().map { $0 == "." || $0 == "-" ? "_" : $0 })
    }

    /// Creates a key that reads and writes the value at `path`; `defaultValue` is rendered from the
    /// default configuration unless given.
    internal init<Value>(
        _ name: String,
        aliases: [String] = [],
        type: NacosServerConfigurationValueType,
        section: Section,
        nacos: Bool,
        _ meaning: String,
        defaultValue: String? = nil,
        expectation: String,
        path: any WritableKeyPath<NacosServerConfiguration, Value> & Sendable,
        parse: @escaping @Sendable (String) -> Value?,
        render: @escaping @Sendable (Value) -> String
    ) {
        self.init(
            name, aliases: aliases, type: type, section: section, nacos: nacos, meaning,
            defaultValue: defaultValue, expectation: expectation,
            get: { $0[keyPath: path] },
            set: { $0[keyPath: path] = $1 },
            parse: parse,
            render: render
        )
    }

    /// Creates a key from functions that read and write its value; `defaultValue` is rendered from the
    /// default configuration unless given.
    internal init<Value>(
        _ name: String,
        aliases: [String] = [],
        type: NacosServerConfigurationValueType,
        section: Section,
        nacos: Bool,
        _ meaning: String,
        defaultValue: String? = nil,
        expectation: String,
        get: @escaping @Sendable (NacosServerConfiguration) -> Value,
        set: @escaping @Sendable (inout NacosServerConfiguration, Value) -> Void,
        parse: @escaping @Sendable (String) -> Value?,
        render: @escaping @Sendable (Value) -> String
    ) {
        self.name = name
        self.aliases = aliases
        self.type = type
        self.section = section
        self.isNacosName = nacos
        self.meaning = meaning
        self.expectation = expectation
        self.parseAndApply = { text, configuration in
            guard let value = parse(text) else { return false }
            set(&configuration, value)
            return true
        }
        self.render = { configuration in render(get(configuration)) }
        self.defaultValue = defaultValue ?? render(get(NacosServerConfiguration()))
    }
}
