import NacosTransport

/// The TLS layer of one stream: the socket's handler below, the inner layer's output above.
///
/// ```
///   inner (frame layer)     ── write/flush/close ──▶  TLSStreamHandler  ── ciphertext ──▶  socket
///   inner.streamRead(plain) ◀── decrypt ────────────  TLSStreamHandler  ◀── streamRead ──  socket
/// ```
///
/// Life cycle (every transition happens on the stream's event loop):
///
/// - `idle` → `handshaking` on the socket's `streamActive`: reading is enabled on the socket, the
///   handshake timeout is scheduled and a client sends its ClientHello (a server waits for one).
/// - `handshaking` → `active` when the handshake completes: the inner layer sees `streamActive(self)`,
///   writes it issued earlier are encrypted, and socket reading follows the inner layer's wishes from then on.
/// - `active` → `outputClosed` on `shutdownOutput()` (close_notify sent, reads continue).
/// - any → `closing` when the inner layer closes (close_notify sent first) or TLS fails (the alert, if any,
///   is flushed first); the socket is asked to close.
/// - any → `closed` when the socket reports `streamClosed`; the inner layer's `streamClosed` follows,
///   exactly once, with the root cause.
///
/// Write completions: each inner write is encrypted at once, and its completion is attached to the write
/// of the resulting ciphertext, so it runs when those bytes reach the kernel (or fail) — the same
/// meaning as on a plain socket. Writes issued before the handshake completes are buffered and encrypted
/// once it does; their completions run the same way.
///
/// As the inner layer's output it reports the application protocol negotiated with ALPN
/// (`negotiatedApplicationProtocol`), fixed when the handshake completes, before the inner layer is active.
internal final class TLSStreamHandler: NacosStreamHandler, NacosStreamOutput {
    private enum State {
        case idle
        case handshaking
        case active
        case outputClosed
        case closing
        case closed
    }

    /// The most plaintext handed to the inner layer in one `streamRead`.
    private static let maximumDeliveryBytes = 64 * 1024

    private let inner: any NacosStreamHandler
    private let engineResult: Result<TLSEngine, NacosTransportError>
    private let handshakeTimeout: Duration
    private let logger: NacosLogger

    private var state = State.idle
    private var socket: (any NacosStreamOutput)?
    private var handshakeTimer: NacosScheduledTask?
    /// Inner writes issued before the handshake completed.
    private var bufferedWrites: [(NacosByteBuffer, NacosWriteCompletion?)] = []
    private var flushAfterHandshake = false
    /// Whether the inner layer wants bytes; the socket's reading follows it once the handshake is done.
    private var innerReadingEnabled = false
    private var innerActive = false
    private var innerInputClosed = false
    private var isDelivering = false
    private var deliveryScheduled = false
    private var socketInputClosed = false
    /// The first failure of this layer, reported to the inner layer as the cause of the close.
    private var failure: NacosTransportError?
    private var plaintext = NacosByteBuffer()
    /// The ALPN selection, read from the engine when the handshake completes.
    private(set) var negotiatedApplicationProtocol: String?

    /// Creates the layer around `inner`.
    ///
    /// - Parameters:
    ///   - inner: the layer above, made active once the handshake completes.
    ///   - engine: the session, or why it could not be created (the stream then fails once it is active).
    ///   - handshakeTimeout: how long the handshake may take from `streamActive`.
    ///   - logger: where handshake failures and timeouts are logged.
    init(
        wrapping inner: any NacosStreamHandler,
        engine: Result<TLSEngine, NacosTransportError>,
        handshakeTimeout: Duration,
        logger: NacosLogger
    ) {
        self.inner = inner
        self.engineResult = engine
        self.handshakeTimeout = handshakeTimeout
        self.logger = logger
    }

    private var engine: TLSEngine? {
        if case .success(let engine) = self.engineResult { return engine }
        return nil
    }

    private var peerDescription: String {
        self.socket?.remoteAddress.map(String.init(describing:)) ?? "peer"
    }

    // MARK: - NacosStreamHandler (from the socket)

    func streamActive(_ output: any NacosStreamOutput) {
        precondition(self.state == .idle, "streamActive called twice on a TLS stream")
        self.socket = output
        self.state = .handshaking
        if case .failure(let error) = self.engineResult {
            self.fail(error)
            return
        }
        output.setReadingEnabled(true)
        let reference = NacosLoopBoundReference(self, eventLoop: output.eventLoop)
        let timeout = self.handshakeTimeout
        self.handshakeTimer = output.eventLoop.scheduleTask(in: timeout) {
            reference.value?.handshakeTimedOut(after: timeout)
        }
        self.doHandshakeStep()
    }

    func streamRead(_ bytes: inout NacosByteBuffer) {
        guard let engine = self.engine else {
            bytes.moveReaderIndex(forwardBy: bytes.readableBytes)
            return
        }
        switch self.state {
        case .handshaking:
            engine.consumeDataFromNetwork(&bytes)
            self.doHandshakeStep()
        case .active, .outputClosed:
            engine.consumeDataFromNetwork(&bytes)
            if self.innerReadingEnabled {
                self.deliverPlaintext()
            }
        case .idle, .closing, .closed:
            bytes.moveReaderIndex(forwardBy: bytes.readableBytes)
        }
    }

    func streamWritabilityChanged(_ isWritable: Bool) {
        guard self.innerActive, self.state == .active || self.state == .outputClosed else { return }
        self.inner.streamWritabilityChanged(isWritable)
    }

    func streamInputClosed() {
        self.socketInputClosed = true
        switch self.state {
        case .handshaking:
            self.fail(
                NacosTransportError(
                    .tlsHandshakeFailed,
                    "TLS handshake failed: \(self.peerDescription) closed the connection during the handshake"
                )
            )
        case .active, .outputClosed:
            // Decrypt what is left; running out of records then checks for close_notify. If the inner
            // layer has paused reading, the check happens when it resumes.
            if self.innerReadingEnabled {
                self.deliverPlaintext()
            }
        case .idle, .closing, .closed:
            break
        }
    }

    func streamClosed(_ error: (any Error)?) {
        let wasHandshaking = self.state == .handshaking
        self.state = .closed
        self.handshakeTimer?.cancel()
        self.handshakeTimer = nil
        self.failBufferedWrites(
            NacosTransportError(.connectionClosed, "the TLS stream closed before the write was sent")
        )
        var cause: (any Error)? = self.failure ?? error
        if wasHandshaking {
            let reason = cause.map { ": \($0)" } ?? ""
            cause = NacosTransportError(
                .tlsHandshakeFailed,
                "TLS handshake failed: the connection to \(self.peerDescription) closed during the handshake\(reason)"
            )
        } else if !self.innerActive && cause == nil {
            cause = NacosTransportError(.tlsHandshakeFailed, "the connection closed before the TLS handshake completed")
        }
        self.inner.streamClosed(cause)
    }

    // MARK: - Handshake

    private func doHandshakeStep() {
        guard self.state == .handshaking, let engine = self.engine else { return }
        let result = engine.doHandshake()
        self.writeNetworkData(flush: true)
        guard self.state == .handshaking else { return }
        switch result {
        case .incomplete:
            break
        case .complete:
            self.handshakeCompleted(engine)
        case .failed(let error):
            self.fail(error)
        case .closed:
            self.fail(NacosTransportError(.tlsHandshakeFailed, "TLS handshake failed: the peer closed the session"))
        }
    }

    private func handshakeCompleted(_ engine: TLSEngine) {
        self.handshakeTimer?.cancel()
        self.handshakeTimer = nil
        self.state = .active
        self.negotiatedApplicationProtocol = engine.negotiatedApplicationProtocol
        let alpn = self.negotiatedApplicationProtocol.map { " ALPN \($0)" } ?? ""
        self.logger.debug(
            "TLS handshake with \(self.peerDescription) complete: \(engine.negotiatedProtocol) \(engine.negotiatedCipher)\(alpn)"
        )
        // From now on the socket reads only when the inner layer wants bytes (back-pressure).
        self.socket?.setReadingEnabled(self.innerReadingEnabled)

        // Writes issued during the handshake go first, so that they precede anything written from
        // the inner layer's `streamActive`.
        let writes = self.bufferedWrites
        self.bufferedWrites = []
        for (bytes, completion) in writes {
            self.write(bytes, completion: completion)
        }
        if self.flushAfterHandshake {
            self.flushAfterHandshake = false
            self.flush()
        }
        guard self.state == .active else { return }

        self.innerActive = true
        self.inner.streamActive(self)
        if self.innerReadingEnabled {
            self.deliverPlaintext()
        }
    }

    private func handshakeTimedOut(after timeout: Duration) {
        guard self.state == .handshaking else { return }
        self.fail(
            NacosTransportError(
                .tlsHandshakeFailed,
                "TLS handshake with \(self.peerDescription) timed out after \(timeout)"
            )
        )
    }

    // MARK: - Reading

    /// Decrypts what the engine holds and hands it to the inner layer while it wants bytes.
    private func deliverPlaintext() {
        guard !self.isDelivering, let engine = self.engine else { return }
        self.isDelivering = true
        defer { self.isDelivering = false }

        while self.state == .active || self.state == .outputClosed, self.innerReadingEnabled {
            var buffer = self.plaintext
            self.plaintext = NacosByteBuffer()
            buffer.clear()
            var outcome: TLSOperationResult<Int>
            repeat {
                outcome = engine.readPlaintext(into: &buffer)
            } while outcome.isComplete && buffer.readableBytes < Self.maximumDeliveryBytes
            // Reads may produce records too (alerts, key update replies).
            self.writeNetworkData(flush: true)
            if buffer.readableBytes > 0 {
                self.inner.streamRead(&buffer)
            }
            self.plaintext = buffer

            switch outcome {
            case .complete:
                continue
            case .incomplete:
                self.checkEndOfInput()
                return
            case .closed:
                self.peerSentCloseNotify()
                return
            case .failed(let error):
                self.fail(error)
                return
            }
        }
    }

    private func peerSentCloseNotify() {
        guard !self.innerInputClosed else { return }
        self.innerInputClosed = true
        self.logger.trace("\(self.peerDescription) sent TLS close_notify")
        self.inner.streamInputClosed()
    }

    /// After the socket's end of stream, once everything buffered is delivered: a close_notify must have
    /// come first, otherwise the stream was truncated. Called when decryption runs out of records.
    private func checkEndOfInput() {
        guard self.socketInputClosed, self.state == .active || self.state == .outputClosed, let engine = self.engine
        else { return }
        if engine.receivedCloseNotify {
            self.peerSentCloseNotify()
            return
        }
        self.fail(
            NacosTransportError(
                .tlsFailure,
                "unclean TLS shutdown: \(self.peerDescription) closed the connection without sending close_notify"
            )
        )
    }

    private func scheduleDelivery() {
        guard !self.deliveryScheduled, !self.isDelivering, let loop = self.socket?.eventLoop else { return }
        self.deliveryScheduled = true
        let reference = NacosLoopBoundReference(self, eventLoop: loop)
        loop.execute {
            guard let handler = reference.value else { return }
            handler.deliveryScheduled = false
            handler.deliverPlaintext()
        }
    }

    // MARK: - Writing to the socket

    /// Moves the engine's pending ciphertext to the socket.
    private func writeNetworkData(flush: Bool) {
        guard let engine = self.engine, let socket = self.socket, let data = engine.readDataForNetwork() else { return }
        socket.write(data, completion: nil)
        if flush {
            socket.flush()
        }
    }

    private func failBufferedWrites(_ error: NacosTransportError) {
        let writes = self.bufferedWrites
        self.bufferedWrites = []
        for (_, completion) in writes {
            completion?(.failure(error))
        }
    }

    /// Fails the stream: sends what TLS queued (usually an alert), then closes the socket with `error`.
    private func fail(_ error: NacosTransportError) {
        switch self.state {
        case .closing, .closed:
            return
        case .idle, .handshaking:
            self.logger.notice("closing the TLS connection with \(self.peerDescription): \(error.message)")
        case .active, .outputClosed:
            self.logger.debug("closing the TLS connection with \(self.peerDescription): \(error.message)")
        }
        self.failure = error
        self.state = .closing
        self.handshakeTimer?.cancel()
        self.handshakeTimer = nil
        self.writeNetworkData(flush: true)
        self.failBufferedWrites(error)
        self.socket?.close(flush: true, error: error)
    }

    // MARK: - NacosStreamOutput (for the inner layer)

    var eventLoop: NacosEventLoop {
        guard let socket = self.socket else {
            preconditionFailure("a TLS stream has no event loop before it is active")
        }
        return socket.eventLoop
    }

    var localAddress: NacosSocketAddress? { self.socket?.localAddress }

    var remoteAddress: NacosSocketAddress? { self.socket?.remoteAddress }

    var isWritable: Bool { self.state == .active && (self.socket?.isWritable ?? false) }

    var isOpen: Bool { self.state == .active && (self.socket?.isOpen ?? false) }

    func write(_ bytes: NacosByteBuffer, completion: NacosWriteCompletion?) {
        switch self.state {
        case .idle, .handshaking:
            self.bufferedWrites.append((bytes, completion))
        case .active:
            guard let engine = self.engine, let socket = self.socket else { return }
            var bytes = bytes
            switch engine.writePlaintext(&bytes) {
            case .complete:
                if let ciphertext = engine.readDataForNetwork() {
                    socket.write(ciphertext, completion: completion)
                } else {
                    completion?(.success(()))
                }
            case .incomplete:
                let error = NacosTransportError(.tlsFailure, "TLS write could not make progress")
                completion?(.failure(error))
                self.fail(error)
            case .closed:
                completion?(.failure(NacosTransportError(.connectionClosed, "write after TLS close_notify")))
            case .failed(let error):
                completion?(.failure(error))
                self.fail(error)
            }
        case .outputClosed, .closing, .closed:
            completion?(.failure(NacosTransportError(.connectionClosed, "write on a closed TLS stream")))
        }
    }

    func flush() {
        switch self.state {
        case .idle, .handshaking:
            self.flushAfterHandshake = true
        case .active, .outputClosed, .closing:
            self.socket?.flush()
        case .closed:
            break
        }
    }

    func setReadingEnabled(_ enabled: Bool) {
        self.innerReadingEnabled = enabled
        switch self.state {
        case .active, .outputClosed:
            self.socket?.setReadingEnabled(enabled)
            if enabled {
                self.scheduleDelivery()
            }
        case .idle, .handshaking, .closing, .closed:
            break
        }
    }

    func shutdownOutput() {
        guard self.state == .active, let engine = self.engine else { return }
        self.state = .outputClosed
        if case .failed(let error) = engine.doShutdown() {
            self.logger.debug("TLS close_notify to \(self.peerDescription) failed: \(error.message)")
        }
        self.writeNetworkData(flush: true)
        self.socket?.shutdownOutput()
    }

    func close(flush: Bool, error: (any Error)?) {
        switch self.state {
        case .closing, .closed:
            return
        case .idle:
            self.state = .closed
            self.failBufferedWrites(NacosTransportError(.connectionClosed, "the TLS stream closed before it was open"))
        case .handshaking:
            self.state = .closing
            self.handshakeTimer?.cancel()
            self.handshakeTimer = nil
            self.failBufferedWrites(
                NacosTransportError(.connectionClosed, "the TLS stream closed during the handshake")
            )
            self.socket?.close(flush: false, error: error)
        case .active, .outputClosed:
            let sendCloseNotify = self.state == .active
            self.state = .closing
            if sendCloseNotify, let engine = self.engine {
                if case .failed(let shutdownError) = engine.doShutdown() {
                    self.logger.debug("TLS close_notify to \(self.peerDescription) failed: \(shutdownError.message)")
                }
                self.writeNetworkData(flush: true)
            }
            self.socket?.close(flush: flush, error: error)
        }
    }
}

extension TLSOperationResult {
    /// Whether the result is `.complete`.
    fileprivate var isComplete: Bool {
        if case .complete = self { return true }
        return false
    }
}

@available(*, unavailable)
extension TLSStreamHandler: Sendable {}
