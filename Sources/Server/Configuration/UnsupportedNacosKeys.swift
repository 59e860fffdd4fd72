/// Which unknown keys are Nacos settings this server does not implement (accepted with a warning), and
/// which namespaces are ours, where an unknown key is a mistake.
internal enum UnsupportedNacosKeys {
    /// Namespaces in which every key must be known: a key there that no setting has is refused.
    static let strictNamespaces = [
        "server.", "nacos.naming.", "nacos.remote.", "nacos.http.", "nacos.server.", "nacos.log.", "nacos.inetutils.",
        "nacos.member.",
    ] + Self.implementedNamespacesInIgnoredPrefixes

    /// Namespaces inside an ignored prefix (`nacos.core.`) whose keys this server implements: an unknown
    /// key there is a mistake, not a Nacos feature to skip.
    static let implementedNamespacesInIgnoredPrefixes = ["nacos.core.protocol.distro.", "nacos.core.loader."]

    /// Nacos (and Spring Boot) keys inside the strict namespaces that configure features this server does
    /// not have.
    static let ignoredKeys: Set<String> = Set([
        "server.error.include-message", "server.shutdown", "server.max-http-request-header-size",
        "server.ssl.key-store", "server.ssl.key-store-password", "server.ssl.key-store-type", "server.ssl.key-store-provider",
        "server.ssl.key-alias", "server.ssl.key-password", "server.ssl.trust-store", "server.ssl.trust-store-password",
        "server.ssl.trust-store-type", "server.ssl.trust-store-provider", "server.ssl.protocol", "server.ssl.enabled-protocols",
        "server.ssl.ciphers", "server.ssl.bundle", "server.ssl.certificate-private-key-password",
        "nacos.inetutils.prefer-hostname-over-ip", "nacos.inetutils.use-only-site-local-interfaces",
        "nacos.inetutils.preferred-networks", "nacos.inetutils.ignored-interfaces",
        "nacos.naming.data.warmup", "nacos.naming.clean.expired-metadata.interval", "nacos.naming.use-new-raft.first", "nacos.naming.exposed.port",
        "nacos.remote.server.grpc.sdk.keep-alive-time", "nacos.remote.server.grpc.sdk.keep-alive-timeout",
        "nacos.remote.server.grpc.sdk.permit-keep-alive-time", "nacos.remote.server.grpc.cluster.keep-alive-time",
        "nacos.remote.server.grpc.cluster.keep-alive-timeout", "nacos.remote.server.grpc.cluster.permit-keep-alive-time",
        "nacos.remote.server.rpc.protocol.negotiator.type", "nacos.remote.cluster.server.rpc.protocol.negotiator.type",
        "nacos.server.grpc.port.offset", "nacos.server.contextPath", "nacos.server.main.context-path",
    ]).union(Self.unsupportedTLSSuffixes.flatMap { suffix in
        ["nacos.remote.server.rpc.tls.\(suffix)", "nacos.remote.peer.rpc.tls.\(suffix)"]
    })

    /// Prefixes of Nacos and Spring Boot settings for features this server does not have.
    static let ignoredPrefixes = [
        "spring.", "db.", "management.", "logging.", "server.servlet.", "server.tomcat.", "server.compression.",
        "server.http2.", "server.jetty.", "server.undertow.", "nacos.core.", "nacos.security.", "nacos.plugin.",
        "nacos.cmdb.", "nacos.istio.", "nacos.config.", "nacos.console.", "nacos.prometheus.", "nacos.metric.",
        "nacos.k8s.", "nacos.naming.monitor.", "nacos.remote.client.",
        "address.server.", "nacos.deployment.", "nacos.functionMode", "nacos.custom.environment.",
        "nacos.ai.", "nacos.mcp.",
    ]

    /// The TLS settings of Nacos's `RpcServerTlsConfig` that this server does not implement.
    private static let unsupportedTLSSuffixes = [
        "protocols", "ciphers", "trustAll", "certPrivateKeyPassword", "sslProvider", "sslContextRefresher",
    ]

    /// Whether `key` is a Nacos setting that is accepted and ignored.
    static func isIgnored(_ key: String) -> Bool {
        if Self.ignoredKeys.contains(key) { return true }
        if Self.implementedNamespacesInIgnoredPrefixes.contains(where: { key.hasPrefix($0) }) { return false }
        return Self.ignoredPrefixes.contains { key.hasPrefix($0) }
    }

    /// Whether `key` lies in one of our namespaces, where unknown keys are refused.
    static func isInStrictNamespace(_ key: String) -> Bool {
        Self.strictNamespaces.contains { key.hasPrefix($0) }
    }
}
