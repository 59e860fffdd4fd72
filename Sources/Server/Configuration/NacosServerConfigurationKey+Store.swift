import NacosNaming

/// The keys of the durable store: its kind, the SQLite file, PostgreSQL's connection (Nacos's `db.*`
/// names), and whether unknown namespaces are created on first use.
extension NacosServerConfigurationKey {
    /// The store keys, in table order.
    static let storeKeys: [Self] = [
        Self(
            "nacos.naming.store", type: .enumeration(NacosServerStoreSettings.Kind.allCases.map(\.rawValue)), section: .naming, nacos: false,
            "Where persistent instances, service metadata, overlays, namespaces and switches are kept: sqlite (one file, the standalone default), postgresql (shared by a cluster), or memory (lost on restart).",
            expectation: "one of \(NacosServerStoreSettings.Kind.allCases.map(\.rawValue).joined(separator: ", "))",
            path: \.store.kind,
            parse: { NacosServerStoreSettings.Kind(rawValue: ConfigurationValueParser.enumeration($0, of: NacosServerStoreSettings.Kind.allCases.map(\.rawValue)) ?? "") },
            render: { $0.rawValue }
        ),
        Self.path(
            "nacos.naming.store.sqlite.path", .naming, nacos: false,
            unset: "${nacos.home}/data/naming.db",
            expectation: "a file path, or empty for ${nacos.home}/data/naming.db",
            "The SQLite file of nacos.naming.store=sqlite; its directory is created, and one process at a time may open it.",
            \.store.sqlitePath
        ),
        Self.text("db.url.0", "PostgreSQL's URL for nacos.naming.store=postgresql: postgresql://host:port/database or Nacos's jdbc:postgresql://host:port/database.", \.store.postgresURL),
        Self.text("db.user.0", "PostgreSQL's user for nacos.naming.store=postgresql.", \.store.postgresUser),
        Self.text("db.password.0", "PostgreSQL's password for nacos.naming.store=postgresql.", \.store.postgresPassword, secret: true),
        Self.int(
            "db.pool.config.maximumPoolSize", .naming, nacos: true, range: 1...64,
            "Connections to PostgreSQL kept open for commits (one more listens for other nodes' changes).",
            \.store.postgresPoolSize
        ),
        Self.bool(
            "nacos.naming.namespace.auto-create", .naming, nacos: false,
            "Whether a write into a namespace that does not exist creates it, as Nacos does; when false it is refused until the namespace is created (POST /nacos/v1/console/namespaces).",
            \.naming.autoCreateNamespaces
        ),
    ]

    /// An optional text key (Nacos's `db.*` and `nacos.core.auth.*` names); a `secret` one is never rendered.
    static func text(
        _ name: String,
        section: Section = .naming,
        nacos: Bool = true,
        _ meaning: String,
        _ path: any WritableKeyPath<Configuration, String?> & Sendable,
        secret: Bool = false
    ) -> Self {
        Self(
            name, type: .string, section: section, nacos: nacos, meaning,
            defaultValue: "(none)",
            expectation: "text, or empty for none",
            path: path,
            parse: { text -> String?? in
                let trimmed = text.trimmingWhitespace()
                return .some(trimmed.isEmpty ? nil : trimmed)
            },
            render: { value in value.map { secret ? "(set)" : $0 } ?? "(none)" }
        )
    }
}
