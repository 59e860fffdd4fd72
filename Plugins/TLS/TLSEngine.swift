import COpenSSL
import Glibc
import NacosTransport

/// The outcome of one non-blocking OpenSSL call.
///
/// `SSL_ERROR_WANT_READ`/`WANT_WRITE` become `.incomplete` ("feed more bytes, then call again") and are
/// never errors; a received close_notify on a read becomes `.closed`.
internal enum TLSOperationResult<Value> {
    /// The call needs more bytes from the network (or must be retried after sending).
    case incomplete
    /// The call finished with this value.
    case complete(Value)
    /// The peer sent close_notify: no more application data will arrive.
    case closed
    /// The call failed; the session cannot continue.
    case failed(NacosTransportError)
}

/// One TLS session (`SSL *`) over two memory BIOs: no sockets, no event loop, no threads.
///
/// The caller moves bytes: ciphertext from the network goes in with `consumeDataFromNetwork`,
/// ciphertext for the network comes out with `readDataForNetwork`. The calling protocol, copied from
/// NIOSSL's `SSLConnection`:
///
/// - call `consumeDataFromNetwork` **before** `doHandshake`, `readPlaintext` or `doShutdown`;
/// - call `readDataForNetwork` **after every** SSL call (`doHandshake`, `readPlaintext`, `writePlaintext`,
///   `doShutdown`), since any of them may produce records (alerts, key updates, close_notify).
///
/// Not thread-safe: confine an engine to one thread (an event loop). Every SSL call starts with
/// `ERR_clear_error()`, because the error queue is per thread and shared with other sessions.
internal final class TLSEngine {
    /// The largest plaintext in one TLS record.
    static let maximumRecordSize = 16 * 1024

    /// The owned `SSL *`; it owns both BIOs.
    private let ssl: OpaquePointer
    /// Ciphertext from the network, read by OpenSSL (not owned: `SSL_free` frees it).
    private let networkInput: OpaquePointer
    /// Ciphertext for the network, written by OpenSSL (not owned: `SSL_free` frees it).
    private let networkOutput: OpaquePointer
    /// The context, kept alive for as long as the session.
    let context: TLSContext
    /// The name checked against the server's certificate, if any (clients only), for error messages.
    let expectedPeerName: String?

    /// Creates a session that accepts (server context) or initiates (client context) a handshake.
    ///
    /// - Parameters:
    ///   - context: the shared context; its side decides the role.
    ///   - serverName: clients only: the host being dialed. The configuration's `serverName` overrides it.
    ///     DNS names are sent as SNI and checked against the certificate's DNS names; IP literals are not
    ///     sent and are checked against its IP addresses.
    /// - Throws: `NacosTransportError(.tlsFailure)` if OpenSSL cannot allocate the session or
    ///   `.fullVerification` is asked for without a name to verify.
    init(context: TLSContext, serverName: String?) throws(NacosTransportError) {
        OpenSSLErrorQueue.clear()
        guard let ssl = SSL_new(context.sslContext) else {
            throw OpenSSLErrorQueue.error(.tlsFailure, "cannot create an OpenSSL session (SSL_new)")
        }
        guard let input = BIO_new(BIO_s_mem()), let output = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw OpenSSLErrorQueue.error(.tlsFailure, "cannot allocate memory BIOs")
        }
        // An empty input BIO means "retry later", never end of file: EOF is the socket's business.
        _ = COpenSSL_BIO_set_mem_eof_return(input, -1)
        _ = COpenSSL_BIO_set_mem_eof_return(output, -1)
        SSL_set_bio(ssl, input, output)
        self.ssl = ssl
        self.networkInput = input
        self.networkOutput = output
        self.context = context

        switch context.side {
        case .server:
            self.expectedPeerName = nil
            SSL_set_accept_state(ssl)
        case .client:
            let name = Self.normalizedHost(context.configuration.serverName ?? serverName)
            self.expectedPeerName = name
            SSL_set_connect_state(ssl)
            try self.configureServerName(name)
        }
    }

    deinit {
        SSL_free(self.ssl)
    }

    private func configureServerName(_ name: String?) throws(NacosTransportError) {
        let verification = self.context.configuration.certificateVerification
        guard let name, !name.isEmpty else {
            if verification == .fullVerification {
                throw NacosTransportError(
                    .tlsFailure,
                    "TLS fullVerification needs a server name: set NacosTLSConfiguration.serverName or dial a named host"
                )
            }
            return
        }
        let isIPAddress = Self.isIPAddress(name)
        if !isIPAddress {
            guard COpenSSL_SSL_set_tlsext_host_name(self.ssl, name) == 1 else {
                throw OpenSSLErrorQueue.error(.tlsFailure, "cannot set the SNI server name '\(name)'")
            }
        }
        guard verification == .fullVerification else { return }
        let accepted: Bool
        if isIPAddress {
            accepted = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(self.ssl), name) == 1
        } else {
            accepted = SSL_set1_host(self.ssl, name) == 1
        }
        guard accepted else {
            throw OpenSSLErrorQueue.error(.tlsFailure, "cannot verify against the server name '\(name)'")
        }
    }

    // MARK: - Network side

    /// Hands ciphertext received from the network to OpenSSL; follow with an SSL call.
    func consumeDataFromNetwork(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        var offset = 0
        while offset < bytes.count {
            let chunk = Int32(clamping: bytes.count - offset)
            // A memory BIO grows as needed; a short write only happens when allocation fails.
            let written = BIO_write(self.networkInput, base + offset, chunk)
            precondition(written > 0, "BIO_write to a memory BIO failed")
            offset += Int(written)
        }
    }

    /// Hands the readable bytes of `buffer` to OpenSSL and consumes them; follow with an SSL call.
    func consumeDataFromNetwork(_ buffer: inout NacosByteBuffer) {
        buffer.withUnsafeReadableBytes { self.consumeDataFromNetwork($0) }
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
    }

    /// The number of ciphertext bytes waiting to be sent.
    var pendingNetworkBytes: Int {
        Int(BIO_ctrl_pending(self.networkOutput))
    }

    /// Moves all ciphertext waiting to be sent into a new buffer, or returns `nil` if there is none.
    func readDataForNetwork() -> NacosByteBuffer? {
        let pending = self.pendingNetworkBytes
        guard pending > 0 else { return nil }
        var buffer = NacosByteBuffer(capacity: pending)
        while self.pendingNetworkBytes > 0 {
            let wanted = self.pendingNetworkBytes
            buffer.reserveCapacity(minimumWritableBytes: wanted)
            let read = buffer.writeWithUnsafeMutableBytes { pointer in
                let read = BIO_read(
                    self.networkOutput,
                    pointer.baseAddress,
                    Int32(clamping: min(wanted, pointer.count))
                )
                return read > 0 ? Int(read) : 0
            }
            // A memory BIO with pending bytes always yields some; stop rather than spin if it does not.
            if read == 0 { break }
        }
        return buffer
    }

    // MARK: - SSL calls

    /// Runs the handshake as far as the bytes fed so far allow.
    ///
    /// Returns `.complete` once the handshake is done (and the peer verified), `.incomplete` while more
    /// bytes are needed, `.failed` with OpenSSL's reasons (and the certificate verification result) otherwise.
    /// A client also fails when the server selected an application protocol (ALPN) that it did not offer
    /// (OpenSSL 3 checks that, answering with a `decode_error` alert: "bad extension").
    func doHandshake() -> TLSOperationResult<Void> {
        OpenSSLErrorQueue.clear()
        let rc = SSL_do_handshake(self.ssl)
        if rc == 1 {
            return .complete(())
        }
        switch self.classify(rc) {
        case .wantMore: return .incomplete
        case .closeNotify: return .failed(self.handshakeError("the peer closed the session during the handshake"))
        case .error(let details): return .failed(self.handshakeError(details))
        }
    }

    /// Whether the handshake has completed.
    var isHandshakeComplete: Bool {
        SSL_is_init_finished(self.ssl) == 1
    }

    /// Decrypts at most one record's worth of plaintext into `buffer` and returns how many bytes were added.
    ///
    /// Returns `.incomplete` when no whole record is buffered, `.closed` once the peer's close_notify
    /// has been read.
    func readPlaintext(into buffer: inout NacosByteBuffer) -> TLSOperationResult<Int> {
        buffer.reserveCapacity(minimumWritableBytes: Self.maximumRecordSize)
        var rc: Int32 = 0
        OpenSSLErrorQueue.clear()
        buffer.writeWithUnsafeMutableBytes { pointer in
            rc = SSL_read(self.ssl, pointer.baseAddress, Int32(clamping: pointer.count))
            return rc > 0 ? Int(rc) : 0
        }
        if rc > 0 {
            return .complete(Int(rc))
        }
        switch self.classify(rc) {
        case .wantMore: return .incomplete
        case .closeNotify: return .closed
        case .error(let details): return .failed(NacosTransportError(.tlsFailure, "TLS read failed: \(details)"))
        }
    }

    /// Encrypts the readable bytes of `buffer`, consuming what was encrypted, and returns how many bytes
    /// that was. With memory BIOs everything is accepted at once unless the session has failed.
    func writePlaintext(_ buffer: inout NacosByteBuffer) -> TLSOperationResult<Int> {
        var total = 0
        while buffer.readableBytes > 0 {
            OpenSSLErrorQueue.clear()
            let rc = buffer.withUnsafeReadableBytes { pointer in
                SSL_write(self.ssl, pointer.baseAddress, Int32(clamping: pointer.count))
            }
            if rc > 0 {
                buffer.moveReaderIndex(forwardBy: Int(rc))
                total += Int(rc)
                continue
            }
            switch self.classify(rc) {
            case .wantMore:
                return total > 0 ? .complete(total) : .incomplete
            case .closeNotify:
                return .failed(NacosTransportError(.connectionClosed, "TLS write after the session was closed"))
            case .error(let details):
                return .failed(NacosTransportError(.tlsFailure, "TLS write failed: \(details)"))
            }
        }
        return .complete(total)
    }

    /// Sends close_notify (first call) and checks for the peer's (later calls).
    ///
    /// Returns `.complete(true)` once both close_notify alerts have been exchanged, `.complete(false)` when
    /// ours is queued and the peer's has not arrived yet.
    func doShutdown() -> TLSOperationResult<Bool> {
        OpenSSLErrorQueue.clear()
        let rc = SSL_shutdown(self.ssl)
        switch rc {
        case 1:
            return .complete(true)
        case 0:
            return .complete(false)
        default:
            switch self.classify(rc) {
            case .wantMore: return .incomplete
            case .closeNotify: return .complete(true)
            case .error(let details):
                return .failed(NacosTransportError(.tlsFailure, "TLS shutdown failed: \(details)"))
            }
        }
    }

    /// Whether the peer's close_notify has been received.
    var receivedCloseNotify: Bool {
        (SSL_get_shutdown(self.ssl) & SSL_RECEIVED_SHUTDOWN) != 0
    }

    /// The negotiated protocol (`TLSv1.3`), once the handshake is done.
    var negotiatedProtocol: String {
        String(cString: SSL_get_version(self.ssl))
    }

    /// The application protocol selected with ALPN (`h2`), once the handshake is done; `nil` if there is none.
    var negotiatedApplicationProtocol: String? {
        var data: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(self.ssl, &data, &length)
        guard let data, length > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }

    /// The negotiated cipher suite (`TLS_AES_256_GCM_SHA384`), once the handshake is done.
    var negotiatedCipher: String {
        guard let cipher = SSL_get_current_cipher(self.ssl), let name = SSL_CIPHER_get_name(cipher) else {
            return "none"
        }
        return String(cString: name)
    }

    // MARK: - Error mapping

    /// What a failed SSL call means, from `SSL_get_error`.
    private enum CallOutcome {
        /// WANT_READ / WANT_WRITE: not an error, more bytes must move first.
        case wantMore
        /// The peer's close_notify was read.
        case closeNotify
        /// A real failure, with OpenSSL's drained error queue.
        case error(String)
    }

    /// Maps a failed call's return code through `SSL_get_error`.
    private func classify(_ rc: Int32) -> CallOutcome {
        let code = SSL_get_error(self.ssl, rc)
        switch code {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE, SSL_ERROR_WANT_X509_LOOKUP, SSL_ERROR_WANT_CLIENT_HELLO_CB:
            return .wantMore
        case SSL_ERROR_ZERO_RETURN:
            return .closeNotify
        case SSL_ERROR_SYSCALL:
            let details = OpenSSLErrorQueue.drain()
            return .error(details.isEmpty ? "unexpected end of the TLS stream" : details.joined(separator: "; "))
        default:
            let details = OpenSSLErrorQueue.drain()
            return .error(details.isEmpty ? "SSL_get_error \(code)" : details.joined(separator: "; "))
        }
    }

    /// A `.tlsHandshakeFailed` error with OpenSSL's reasons and, if the peer's certificate was rejected,
    /// the verification result (`self-signed certificate`, `hostname mismatch`, …).
    private func handshakeError(_ details: String) -> NacosTransportError {
        var message = "TLS handshake failed: \(details)"
        let verifyResult = SSL_get_verify_result(self.ssl)
        if verifyResult != Int(X509_V_OK), let reason = X509_verify_cert_error_string(verifyResult) {
            message += " (certificate verification: \(String(cString: reason))"
            if let name = self.expectedPeerName,
                verifyResult == Int(X509_V_ERR_HOSTNAME_MISMATCH)
                    || verifyResult == Int(X509_V_ERR_IP_ADDRESS_MISMATCH)
            {
                message += "; expected '\(name)'"
            }
            message += ")"
        }
        return NacosTransportError(.tlsHandshakeFailed, message)
    }

    // MARK: - Host names

    /// `host` without IPv6 brackets, or `nil`.
    private static func normalizedHost(_ host: String?) -> String? {
        guard let host else { return nil }
        if host.hasPrefix("[") && host.hasSuffix("]") {
            return String(host.dropFirst().dropLast())
        }
        return host
    }

    /// Whether `host` is a numeric IPv4 or IPv6 address.
    static func isIPAddress(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}

@available(*, unavailable)
extension TLSEngine: Sendable {}
