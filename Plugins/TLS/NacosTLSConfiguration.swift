public import NacosTransport

/// How a TLS endpoint (server or client) proves its identity and checks its peer's.
///
/// One configuration serves both sides of a transport: the certificate chain and key identify this
/// side (required to accept connections, optional for clients, which present them when a server asks
/// for a client certificate), and the trust roots decide which peers are accepted.
///
/// ```swift
/// var tls = NacosTLSConfiguration.server(
///     certificateChain: .file("/etc/nacos/server.pem"),
///     privateKey: .file("/etc/nacos/server.key")
/// )
/// tls.trustRoots = .file("/etc/nacos/ca.pem")
/// tls.requireClientCertificate = true
/// tls.applicationProtocols = ["h2"]  // gRPC clients (grpc-java, tonic) insist on ALPN `h2`
/// ```
///
/// Nothing is read from disk until `validate()` runs or a transport or layer is built from the
/// configuration; both report problems as `NacosTransportError` naming the faulty field.
public struct NacosTLSConfiguration: Sendable, Hashable {
    /// Where PEM data comes from: a file on disk or the PEM text itself.
    public enum PEMSource: Sendable, Hashable, CustomStringConvertible {
        /// A PEM file at this path, read when the TLS context is built.
        case file(String)
        /// PEM text (`-----BEGIN …-----`), for example from a secret store.
        case pem(String)

        /// `file '<path>'` or `inline PEM`, for error messages.
        public var description: String {
            switch self {
            case .file(let path): "file '\(path)'"
            case .pem: "inline PEM"
            }
        }
    }

    /// How strictly the peer's certificate is checked.
    public enum CertificateVerification: Sendable, Hashable {
        /// The peer's certificate is not checked at all (encryption without authentication; tests only).
        case none
        /// The chain must lead to a trust root; the host name or IP is not checked.
        case noHostnameVerification
        /// The chain must lead to a trust root and, on clients, name the host being dialed.
        case fullVerification
    }

    /// A TLS protocol version; versions before 1.2 are never negotiated.
    public enum ProtocolVersion: Int, Sendable, Hashable, Comparable, CustomStringConvertible {
        /// TLS 1.2.
        case tlsv12 = 0x0303
        /// TLS 1.3.
        case tlsv13 = 0x0304

        /// Orders versions from oldest to newest.
        public static func < (lhs: ProtocolVersion, rhs: ProtocolVersion) -> Bool { lhs.rawValue < rhs.rawValue }

        /// `TLSv1.2` or `TLSv1.3`.
        public var description: String {
            switch self {
            case .tlsv12: "TLSv1.2"
            case .tlsv13: "TLSv1.3"
            }
        }
    }

    /// This side's certificate, followed by any intermediates; required on servers.
    public var certificateChain: PEMSource?
    /// The private key matching the first certificate of `certificateChain` (unencrypted PEM).
    public var privateKey: PEMSource?
    /// The CA certificates that peers' chains must lead to.
    ///
    /// Clients use the system's default trust store when this is `nil`. Servers verify client certificates
    /// only when trust roots are set (and `certificateVerification` is not `.none`).
    public var trustRoots: PEMSource?
    /// How strictly the peer's certificate is checked; `.fullVerification` by default.
    public var certificateVerification: CertificateVerification
    /// Servers only: refuse clients that present no certificate (mutual TLS); needs `trustRoots`.
    public var requireClientCertificate: Bool
    /// Clients only: the name sent as SNI and checked against the server's certificate, instead of the
    /// host being dialed. IP literals are checked as IP addresses and never sent as SNI.
    public var serverName: String?
    /// The oldest protocol version accepted; TLS 1.2 by default, TLS 1.3 to refuse 1.2.
    public var minimumTLSVersion: ProtocolVersion
    /// How long a handshake may take, measured from the moment the stream is open; 10 seconds by default.
    public var handshakeTimeout: Duration
    /// The TLS 1.2 cipher list in OpenSSL syntax (`ECDHE+AESGCM:…`); `nil` keeps OpenSSL's defaults.
    public var cipherList: String?
    /// The TLS 1.3 cipher suites in OpenSSL syntax (`TLS_AES_256_GCM_SHA384:…`); `nil` keeps the defaults.
    public var cipherSuites: String?
    /// The application protocols (ALPN, RFC 7301) this side speaks, most preferred first; empty (the default)
    /// turns ALPN off.
    ///
    /// A client offers them in its ClientHello. A server selects the first of its own list that the client
    /// offered (the server's order wins, whatever the client's). When the client offers none of them, or no
    /// ALPN at all, the server does **not** fail the handshake (RFC 7301 allows a `no_application_protocol`
    /// alert): it proceeds without an application protocol, as most servers do, and the layer above sees
    /// `negotiatedApplicationProtocol == nil` and decides. A client whose server selects a protocol it did not
    /// offer fails the handshake with `.tlsHandshakeFailed` (OpenSSL's "bad extension").
    ///
    /// The result is `NacosStreamOutput.negotiatedApplicationProtocol` of the stream the layer above sees.
    /// Each name must be 1 to 255 bytes of UTF-8, and the list at most 65,535 bytes on the wire (each name
    /// plus a length byte).
    public var applicationProtocols: [String]

    /// Creates a configuration; every parameter has the default described on its property.
    public init(
        certificateChain: PEMSource? = nil,
        privateKey: PEMSource? = nil,
        trustRoots: PEMSource? = nil,
        certificateVerification: CertificateVerification = .fullVerification,
        requireClientCertificate: Bool = false,
        serverName: String? = nil,
        minimumTLSVersion: ProtocolVersion = .tlsv12,
        handshakeTimeout: Duration = .seconds(10),
        cipherList: String? = nil,
        cipherSuites: String? = nil,
        applicationProtocols: [String] = []
    ) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
        self.trustRoots = trustRoots
        self.certificateVerification = certificateVerification
        self.requireClientCertificate = requireClientCertificate
        self.serverName = serverName
        self.minimumTLSVersion = minimumTLSVersion
        self.handshakeTimeout = handshakeTimeout
        self.cipherList = cipherList
        self.cipherSuites = cipherSuites
        self.applicationProtocols = applicationProtocols
    }

    /// A server configuration presenting `certificateChain` and `privateKey`.
    public static func server(certificateChain: PEMSource, privateKey: PEMSource) -> NacosTLSConfiguration {
        NacosTLSConfiguration(certificateChain: certificateChain, privateKey: privateKey)
    }

    /// A client configuration trusting `trustRoots` (the system store when `nil`).
    public static func client(trustRoots: PEMSource? = nil) -> NacosTLSConfiguration {
        NacosTLSConfiguration(trustRoots: trustRoots)
    }

    /// Whether the configuration can accept connections (it has a certificate chain and a private key).
    public var canServe: Bool {
        self.certificateChain != nil && self.privateKey != nil
    }

    /// Checks the configuration by building the OpenSSL contexts it describes, loading every file.
    ///
    /// - Throws: `NacosTransportError` with code `.invalidConfiguration` and a message naming what is wrong: a
    ///   missing or unreadable file, PEM that does not parse, a key that does not match the certificate,
    ///   an option that needs another one, a cipher list OpenSSL rejects, or an application protocol name that is
    ///   empty or too long.
    public func validate() throws(NacosTransportError) {
        if self.canServe {
            _ = try TLSContext(configuration: self, side: .server)
        }
        _ = try TLSContext(configuration: self, side: .client)
    }
}
