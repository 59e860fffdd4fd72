/// The keys of the TLS section: one set per port, under Nacos's names (`nacos.remote.server.rpc.tls.*` for
/// the client RPC port, `nacos.remote.peer.rpc.tls.*` for the cluster port, Spring's `server.ssl.*` for HTTP).
extension NacosServerConfigurationKey {
    /// The settings of one port inside the configuration.
    typealias PortTLS = any WritableKeyPath<NacosServerConfiguration, NacosServerTLSSettings> & Sendable

    /// The client RPC port's TLS keys.
    static let clientRpcTLSKeys: [Self] = Self.rpcTLSKeys(prefix: "nacos.remote.server.rpc.tls", port: "client RPC", \.clientRpcTLS)

    /// The cluster RPC port's TLS keys; this node's links to its peers use them too.
    static let clusterRpcTLSKeys: [Self] = Self.rpcTLSKeys(prefix: "nacos.remote.peer.rpc.tls", port: "cluster RPC", \.clusterRpcTLS)

    /// The HTTP port's TLS keys.
    static let httpTLSKeys: [Self] = [
        Self.tlsBool("server.ssl.enabled", nacos: true, "Whether the HTTP port speaks HTTPS.", \.httpTLS, \.enabled),
        Self.tlsPath("server.ssl.certificate", nacos: true, "PEM file with the HTTP port's certificate chain.", \.httpTLS, \.certificateChainFile),
        Self.tlsPath("server.ssl.certificate-private-key", nacos: true, "PEM file with the HTTP port's private key.", \.httpTLS, \.privateKeyFile),
        Self.tlsPath(
            "server.ssl.trust-certificate", nacos: true, "PEM file with the CA certificates HTTPS client certificates must chain to.",
            \.httpTLS, \.trustCertificateFile
        ),
        Self(
            "server.ssl.client-auth", type: .enumeration(["none", "need"]), section: .tls, nacos: true,
            "`need` requires every HTTPS client to present a certificate signed by server.ssl.trust-certificate; `none` asks for none.",
            expectation: "none or need",
            get: { $0.httpTLS.mutualAuth },
            set: { $0.httpTLS.mutualAuth = $1 },
            parse: { text in ConfigurationValueParser.enumeration(text, of: ["none", "need"]).map { $0 == "need" } },
            render: { $0 ? "need" : "none" }
        ),
        Self.tlsBool(
            "nacos.http.tls.compatibility", nacos: false,
            "Whether an HTTPS port also answers plain HTTP on the same port (told apart by the first bytes).", \.httpTLS, \.allowPlaintext
        ),
    ]

    /// The six keys of an RPC port's TLS under Nacos's `RpcServerTlsConfig` names.
    private static func rpcTLSKeys(prefix: String, port: String, _ tls: PortTLS) -> [Self] {
        [
            Self.tlsBool("\(prefix).enableTls", nacos: true, "Whether the \(port) port speaks TLS.", tls, \.enabled),
            Self.tlsPath("\(prefix).certChainFile", nacos: true, "PEM file with the \(port) port's certificate chain.", tls, \.certificateChainFile),
            Self.tlsPath("\(prefix).certPrivateKey", nacos: true, "PEM file with the \(port) port's private key.", tls, \.privateKeyFile),
            Self.tlsPath(
                "\(prefix).trustCollectionCertFile", nacos: true, "PEM file with the CA certificates \(port) peers' certificates must chain to.",
                tls, \.trustCertificateFile
            ),
            Self.tlsBool(
                "\(prefix).mutualAuthEnable", nacos: true, "Whether \(port) peers must present a certificate (needs trustCollectionCertFile).",
                tls, \.mutualAuth
            ),
            Self.tlsBool(
                "\(prefix).compatibility", nacos: true, "Whether the \(port) port also accepts plaintext while TLS is on (told apart by the first bytes).",
                tls, \.allowPlaintext
            ),
        ]
    }

    /// A boolean field of one port's TLS settings.
    private static func tlsBool(
        _ name: String,
        nacos: Bool,
        _ meaning: String,
        _ tls: PortTLS,
        _ field: any WritableKeyPath<NacosServerTLSSettings, Bool> & Sendable
    ) -> Self {
        Self(
            name, type: .bool, section: .tls, nacos: nacos, meaning,
            expectation: "true or false",
            get: { $0[keyPath: tls][keyPath: field] },
            set: { $0[keyPath: tls][keyPath: field] = $1 },
            parse: { ConfigurationValueParser.bool($0) },
            render: { String($0) }
        )
    }

    /// An optional file field of one port's TLS settings: an empty value unsets it.
    private static func tlsPath(
        _ name: String,
        nacos: Bool,
        _ meaning: String,
        _ tls: PortTLS,
        _ field: any WritableKeyPath<NacosServerTLSSettings, String?> & Sendable
    ) -> Self {
        Self(
            name, type: .path, section: .tls, nacos: nacos, meaning,
            defaultValue: "(none)",
            expectation: "a file path, or empty for none",
            get: { $0[keyPath: tls][keyPath: field] },
            set: { $0[keyPath: tls][keyPath: field] = $1 },
            parse: { text -> String?? in
                let trimmed = text.trimmingWhitespace()
                return .some(trimmed.isEmpty ? nil : trimmed)
            },
            render: { $0 ?? "(none)" }
        )
    }
}
