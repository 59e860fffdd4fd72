/// TLS for one of the server's ports, as plain values (paths to PEM files) that the wiring turns into a
/// TLS transport; the fields mirror Nacos's `RpcServerTlsConfig`.
public struct NacosServerTLSSettings: Sendable, Equatable {
    /// Whether the port speaks TLS (Nacos `enableTls`, off by default).
    public var enabled: Bool
    /// The PEM file with the server's certificate chain (Nacos `certChainFile`).
    public var certificateChainFile: String?
    /// The PEM file with the server's private key (Nacos `certPrivateKey`).
    public var privateKeyFile: String?
    /// The PEM file with the certificates trusted to sign peers' certificates (Nacos `trustCollectionCertFile`).
    public var trustCertificateFile: String?
    /// Whether peers must present a certificate signed by a trusted certificate (Nacos `mutualAuthEnable`).
    public var mutualAuth: Bool
    /// Whether a TLS port also accepts plaintext connections, told apart by their first bytes (Nacos `compatibility`).
    public var allowPlaintext: Bool

    /// Creates settings; the defaults are Nacos's: TLS off and, once on, plaintext still accepted.
    public init(
        enabled: Bool = false,
        certificateChainFile: String? = nil,
        privateKeyFile: String? = nil,
        trustCertificateFile: String? = nil,
        mutualAuth: Bool = false,
        allowPlaintext: Bool = true
    ) {
        self.enabled = enabled
        self.certificateChainFile = certificateChainFile
        self.privateKeyFile = privateKeyFile
        self.trustCertificateFile = trustCertificateFile
        self.mutualAuth = mutualAuth
        self.allowPlaintext = allowPlaintext
    }
}
