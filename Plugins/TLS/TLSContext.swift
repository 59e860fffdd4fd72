import COpenSSL
import NacosTransport

/// One OpenSSL `SSL_CTX` built from a `NacosTLSConfiguration` for one side (server or client).
///
/// Building the context does all the slow and fallible work once: reading PEM files, parsing
/// certificates and keys, checking that the key matches the certificate, loading trust roots. Every
/// connection then only calls `SSL_new` on it.
///
/// `@unchecked Sendable`: the context is fully configured in `init` and never mutated afterwards;
/// OpenSSL allows `SSL_new` on a shared, no longer modified `SSL_CTX` from any thread (its reference
/// counts and the session cache are internally locked).
internal final class TLSContext: @unchecked Sendable {
    /// Which handshake role the context is for.
    enum Side: Sendable, Hashable {
        case server
        case client
    }

    /// A protocol version range that bypasses the TLS 1.2 floor; only tests use it to play an old peer.
    struct LegacyProtocolRange: Sendable, Hashable {
        /// The lowest version as OpenSSL's constant (`TLS1_VERSION`, …).
        var minimum: Int32
        /// The highest version as OpenSSL's constant.
        var maximum: Int32
    }

    /// The owned `SSL_CTX *`.
    let sslContext: OpaquePointer
    /// The configuration the context was built from.
    let configuration: NacosTLSConfiguration
    /// The side the context was built for.
    let side: Side
    /// The ALPN names (offered by a client, selected from by a server), or `nil` when ALPN is off.
    ///
    /// A server's `SSL_CTX` points at this object from its select callback, so it must live exactly as long
    /// as the `SSL_CTX`: stored properties are released after `deinit` has freed it.
    let applicationProtocols: TLSApplicationProtocols?

    /// Builds and fully configures the context.
    ///
    /// - Parameters:
    ///   - configuration: what to load and how to verify peers.
    ///   - side: whether connections from this context accept or initiate handshakes.
    ///   - legacyProtocolRange: tests only; allows versions below TLS 1.2 and lowers OpenSSL's security level.
    ///   - selectsUnofferedApplicationProtocol: tests only; a server that selects its first application protocol
    ///     whatever the client offered, to play a misbehaving peer.
    /// - Throws: `NacosTransportError(.invalidConfiguration)` naming the field that is wrong, with OpenSSL's reasons.
    init(
        configuration: NacosTLSConfiguration,
        side: Side,
        legacyProtocolRange: LegacyProtocolRange? = nil,
        selectsUnofferedApplicationProtocol: Bool = false
    ) throws(NacosTransportError) {
        // Encoded before the SSL_CTX exists, so that a bad name throws with nothing to free.
        self.applicationProtocols =
            configuration.applicationProtocols.isEmpty
            ? nil
            : try TLSApplicationProtocols(
                names: configuration.applicationProtocols,
                ignoresClientOffer: selectsUnofferedApplicationProtocol
            )
        OpenSSLErrorQueue.clear()
        let method = side == .server ? TLS_server_method() : TLS_client_method()
        guard let context = SSL_CTX_new(method) else {
            throw OpenSSLErrorQueue.error(.tlsFailure, "cannot create an OpenSSL SSL_CTX")
        }
        self.sslContext = context
        self.configuration = configuration
        self.side = side
        // From here on `deinit` frees the context if a later step throws.
        try self.configure(legacyProtocolRange: legacyProtocolRange)
    }

    deinit {
        SSL_CTX_free(self.sslContext)
    }

    // MARK: - Configuration steps

    private func configure(legacyProtocolRange: LegacyProtocolRange?) throws(NacosTransportError) {
        try self.checkOptionCombinations()

        var options = COpenSSL_SSL_OP_ALL() | COpenSSL_SSL_OP_NO_COMPRESSION() | COpenSSL_SSL_OP_NO_RENEGOTIATION()
        if self.side == .server {
            options |= COpenSSL_SSL_OP_CIPHER_SERVER_PREFERENCE()
        }
        _ = SSL_CTX_set_options(self.sslContext, options)
        _ = COpenSSL_SSL_CTX_set_mode(self.sslContext, COpenSSL_SSL_MODE_DEFAULTS())

        try self.configureProtocolVersions(legacyProtocolRange: legacyProtocolRange)
        try self.configureCiphers()
        try self.configureIdentity()
        try self.configureVerification()
        try self.configureApplicationProtocols()

        if self.side == .server {
            // No session resumption: no server cache and no TLS 1.3 tickets after the handshake.
            _ = COpenSSL_SSL_CTX_set_session_cache_mode(self.sslContext, COpenSSL_SSL_SESS_CACHE_OFF())
            _ = SSL_CTX_set_num_tickets(self.sslContext, 0)
            let sessionContext: [UInt8] = Array("nacos".utf8)
            _ = SSL_CTX_set_session_id_context(self.sslContext, sessionContext, UInt32(sessionContext.count))
        }
    }

    private func checkOptionCombinations() throws(NacosTransportError) {
        let configuration = self.configuration
        if configuration.handshakeTimeout <= .zero {
            throw Self.invalid("handshakeTimeout must be positive, not \(configuration.handshakeTimeout)")
        }
        if (configuration.certificateChain == nil) != (configuration.privateKey == nil) {
            throw Self.invalid("certificateChain and privateKey must be set together")
        }
        if self.side == .server && !configuration.canServe {
            throw Self.invalid("a TLS server needs certificateChain and privateKey")
        }
        if self.side == .server && configuration.requireClientCertificate {
            if configuration.trustRoots == nil {
                throw Self.invalid("requireClientCertificate needs trustRoots to verify client certificates against")
            }
            if configuration.certificateVerification == .none {
                throw Self.invalid("requireClientCertificate cannot be combined with certificateVerification .none")
            }
        }
    }

    private func configureProtocolVersions(legacyProtocolRange: LegacyProtocolRange?) throws(NacosTransportError) {
        let minimum: Int32
        var maximum: Int32 = 0  // 0: the highest version OpenSSL supports
        if let legacy = legacyProtocolRange {
            minimum = legacy.minimum
            maximum = legacy.maximum
            // OpenSSL 3 refuses TLS < 1.2 at the default security level; tests playing an old peer need 0.
            SSL_CTX_set_security_level(self.sslContext, 0)
        } else {
            minimum = Int32(self.configuration.minimumTLSVersion.rawValue)
        }
        guard COpenSSL_SSL_CTX_set_min_proto_version(self.sslContext, minimum) == 1,
            COpenSSL_SSL_CTX_set_max_proto_version(self.sslContext, maximum) == 1
        else {
            throw OpenSSLErrorQueue.error(.invalidConfiguration, "invalid TLS configuration: cannot set the protocol versions")
        }
    }

    private func configureCiphers() throws(NacosTransportError) {
        if let cipherList = self.configuration.cipherList, SSL_CTX_set_cipher_list(self.sslContext, cipherList) != 1 {
            throw OpenSSLErrorQueue.error(
                .invalidConfiguration,
                "invalid TLS configuration: cipherList '\(cipherList)' selects no cipher"
            )
        }
        if let suites = self.configuration.cipherSuites, SSL_CTX_set_ciphersuites(self.sslContext, suites) != 1 {
            throw OpenSSLErrorQueue.error(
                .invalidConfiguration,
                "invalid TLS configuration: cipherSuites '\(suites)' is not valid"
            )
        }
    }

    private func configureIdentity() throws(NacosTransportError) {
        guard let chainSource = self.configuration.certificateChain, let keySource = self.configuration.privateKey
        else { return }

        let chain = try Self.loadCertificates(chainSource, what: "certificateChain")
        defer { for certificate in chain { X509_free(certificate) } }
        guard SSL_CTX_use_certificate(self.sslContext, chain[0]) == 1 else {
            throw OpenSSLErrorQueue.error(
                .invalidConfiguration,
                "invalid TLS configuration: certificateChain (\(chainSource)) cannot be used"
            )
        }
        for intermediate in chain.dropFirst() where COpenSSL_SSL_CTX_add1_chain_cert(self.sslContext, intermediate) != 1
        {
            throw OpenSSLErrorQueue.error(
                .invalidConfiguration,
                "invalid TLS configuration: an intermediate of certificateChain (\(chainSource)) cannot be used"
            )
        }

        let key = try Self.loadPrivateKey(keySource)
        defer { EVP_PKEY_free(key) }
        guard SSL_CTX_use_PrivateKey(self.sslContext, key) == 1, SSL_CTX_check_private_key(self.sslContext) == 1 else {
            throw OpenSSLErrorQueue.error(
                .invalidConfiguration,
                "invalid TLS configuration: privateKey (\(keySource)) does not match the certificate of certificateChain (\(chainSource))"
            )
        }
    }

    private func configureVerification() throws(NacosTransportError) {
        let configuration = self.configuration
        if let rootsSource = configuration.trustRoots {
            let roots = try Self.loadCertificates(rootsSource, what: "trustRoots")
            defer { for root in roots { X509_free(root) } }
            let store = SSL_CTX_get_cert_store(self.sslContext)
            for root in roots where X509_STORE_add_cert(store, root) != 1 {
                throw OpenSSLErrorQueue.error(
                    .invalidConfiguration,
                    "invalid TLS configuration: a certificate of trustRoots (\(rootsSource)) cannot be added"
                )
            }
        } else if self.side == .client && configuration.certificateVerification != .none {
            if SSL_CTX_set_default_verify_paths(self.sslContext) != 1 {
                throw OpenSSLErrorQueue.error(.tlsFailure, "cannot load the system's default trust roots")
            }
        }

        var mode = SSL_VERIFY_NONE
        switch self.side {
        case .client:
            if configuration.certificateVerification != .none {
                mode = SSL_VERIFY_PEER
            }
        case .server:
            if configuration.trustRoots != nil && configuration.certificateVerification != .none {
                mode = SSL_VERIFY_PEER
                if configuration.requireClientCertificate {
                    mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT
                }
            }
        }
        SSL_CTX_set_verify(self.sslContext, mode, nil)
    }

    private func configureApplicationProtocols() throws(NacosTransportError) {
        guard let protocols = self.applicationProtocols else { return }
        switch self.side {
        case .server:
            protocols.installSelectCallback(on: self.sslContext)
        case .client:
            // Unlike most of OpenSSL, SSL_CTX_set_alpn_protos returns 0 on success.
            let wire = protocols.wireFormat
            guard SSL_CTX_set_alpn_protos(self.sslContext, wire.baseAddress, UInt32(wire.count)) == 0 else {
                throw OpenSSLErrorQueue.error(
                    .invalidConfiguration,
                    "invalid TLS configuration: applicationProtocols \(protocols.names) cannot be offered"
                )
            }
        }
    }

    // MARK: - PEM loading

    /// A read BIO over the PEM source; the caller frees it.
    private static func openPEM(
        _ source: NacosTLSConfiguration.PEMSource,
        what: String
    ) throws(NacosTransportError) -> OpaquePointer {
        switch source {
        case .file(let path):
            guard let bio = BIO_new_file(path, "rb") else {
                throw OpenSSLErrorQueue.error(
                    .invalidConfiguration,
                    "invalid TLS configuration: \(what) file '\(path)' cannot be read"
                )
            }
            return bio
        case .pem(let text):
            let bytes = Array(text.utf8)
            guard let bio = BIO_new(BIO_s_mem()) else {
                throw OpenSSLErrorQueue.error(.tlsFailure, "cannot allocate a memory BIO")
            }
            if !bytes.isEmpty {
                _ = BIO_write(bio, bytes, Int32(bytes.count))
            }
            return bio
        }
    }

    /// Every certificate in the PEM source, in order; at least one. The caller frees them with `X509_free`.
    static func loadCertificates(
        _ source: NacosTLSConfiguration.PEMSource,
        what: String
    ) throws(NacosTransportError) -> [OpaquePointer] {
        OpenSSLErrorQueue.clear()
        let bio = try Self.openPEM(source, what: what)
        defer { BIO_free(bio) }
        var certificates: [OpaquePointer] = []
        while let certificate = PEM_read_bio_X509(bio, nil, nil, nil) {
            certificates.append(certificate)
        }
        // The loop ends with "no start line" once the input is exhausted; anything else is a real error.
        let last = ERR_peek_last_error()
        let endOfInput = ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE
        if last != 0 && !(endOfInput && !certificates.isEmpty) {
            for certificate in certificates { X509_free(certificate) }
            let reason = certificates.isEmpty && endOfInput ? "contains no PEM certificate" : "is not valid PEM"
            throw OpenSSLErrorQueue.error(.invalidConfiguration, "invalid TLS configuration: \(what) (\(source)) \(reason)")
        }
        OpenSSLErrorQueue.clear()
        guard !certificates.isEmpty else {
            throw NacosTransportError(
                .invalidConfiguration,
                "invalid TLS configuration: \(what) (\(source)) contains no PEM certificate"
            )
        }
        return certificates
    }

    /// The private key in the PEM source; the caller frees it with `EVP_PKEY_free`.
    private static func loadPrivateKey(
        _ source: NacosTLSConfiguration.PEMSource
    ) throws(NacosTransportError) -> OpaquePointer {
        OpenSSLErrorQueue.clear()
        let bio = try Self.openPEM(source, what: "privateKey")
        defer { BIO_free(bio) }
        // A password callback that refuses: without it OpenSSL would prompt on the terminal for encrypted keys.
        let noPassword: @convention(c) (UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?) -> Int32 =
            {
                _,
                _,
                _,
                _ in 0
            }
        guard let key = PEM_read_bio_PrivateKey(bio, nil, noPassword, nil) else {
            throw OpenSSLErrorQueue.error(
                .invalidConfiguration,
                "invalid TLS configuration: privateKey (\(source)) is not an unencrypted PEM private key"
            )
        }
        return key
    }

    private static func invalid(_ message: String) -> NacosTransportError {
        NacosTransportError(.invalidConfiguration, "invalid TLS configuration: \(message)")
    }
}
