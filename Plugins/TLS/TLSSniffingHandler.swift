import NacosTransport

/// Decides from a stream's first bytes whether it speaks TLS, then hands the stream to the TLS layer or
/// straight to the inner layer.
///
/// It stays the socket's handler for the stream's whole life, forwarding every event to the handler it
/// chose. Until it has decided, it reads from the socket itself, buffers what arrives, and enforces a
/// deadline; after deciding it replays the buffered bytes into the chosen handler, as if they had just
/// arrived.
///
/// It never wraps the output: the TLS handler is the inner layer's output (and reports the ALPN result as
/// `negotiatedApplicationProtocol`), while a plaintext inner layer writes to the socket directly (which
/// reports `nil`).
internal final class TLSSniffingHandler: NacosStreamHandler {
    /// What the first bytes say.
    enum Detection: Equatable {
        /// Not enough bytes yet.
        case needMoreBytes
        /// A TLS record header.
        case tls
        /// Something else.
        case plaintext
    }

    private enum State {
        case idle
        case detecting
        case decided(any NacosStreamHandler)
        case closed
    }

    /// The length of a TLS record header.
    static let recordHeaderLength = 5

    private let inner: any NacosStreamHandler
    private let tls: NacosTLSStreamLayer
    private let detectionTimeout: Duration
    private let logger: NacosLogger
    private var state = State.idle
    private var socket: (any NacosStreamOutput)?
    private var buffered = NacosByteBuffer()
    private var timer: NacosScheduledTask?

    /// Creates the sniffer for one accepted stream.
    init(
        wrapping inner: any NacosStreamHandler,
        tls: NacosTLSStreamLayer,
        detectionTimeout: Duration,
        logger: NacosLogger
    ) {
        self.inner = inner
        self.tls = tls
        self.detectionTimeout = detectionTimeout
        self.logger = logger
    }

    /// Classifies the first bytes of a stream (`0x16 0x03 0x00…0x04` is TLS).
    static func detect(_ bytes: NacosByteBuffer) -> Detection {
        let count = min(bytes.readableBytes, Self.recordHeaderLength)
        guard let prefix = bytes.getBytes(at: bytes.readerIndex, length: count) else { return .needMoreBytes }
        if count >= 1 && prefix[0] != 0x16 { return .plaintext }
        if count >= 2 && prefix[1] != 0x03 { return .plaintext }
        if count >= 3 && prefix[2] > 0x04 { return .plaintext }
        return count >= Self.recordHeaderLength ? .tls : .needMoreBytes
    }

    private var peerDescription: String {
        self.socket?.remoteAddress.map(String.init(describing:)) ?? "peer"
    }

    // MARK: - NacosStreamHandler

    func streamActive(_ output: any NacosStreamOutput) {
        self.socket = output
        self.state = .detecting
        output.setReadingEnabled(true)
        let reference = NacosLoopBoundReference(self, eventLoop: output.eventLoop)
        let timeout = self.detectionTimeout
        self.timer = output.eventLoop.scheduleTask(in: timeout) {
            reference.value?.detectionTimedOut(after: timeout)
        }
    }

    func streamRead(_ bytes: inout NacosByteBuffer) {
        switch self.state {
        case .detecting:
            self.buffered.writeBuffer(&bytes)
            self.decideIfPossible()
        case .decided(let handler):
            handler.streamRead(&bytes)
        case .idle, .closed:
            bytes.moveReaderIndex(forwardBy: bytes.readableBytes)
        }
    }

    func streamWritabilityChanged(_ isWritable: Bool) {
        if case .decided(let handler) = self.state {
            handler.streamWritabilityChanged(isWritable)
        }
    }

    func streamInputClosed() {
        switch self.state {
        case .detecting:
            self.closeUndecided(
                NacosTransportError(
                    .connectionClosed,
                    "\(self.peerDescription) closed the connection after \(self.buffered.readableBytes) bytes, too few to tell TLS from plaintext"
                )
            )
        case .decided(let handler):
            handler.streamInputClosed()
        case .idle, .closed:
            break
        }
    }

    func streamClosed(_ error: (any Error)?) {
        self.timer?.cancel()
        self.timer = nil
        let previous = self.state
        self.state = .closed
        switch previous {
        case .decided(let handler):
            handler.streamClosed(error)
        case .idle, .detecting:
            self.inner.streamClosed(
                error ?? NacosTransportError(.connectionClosed, "closed before the protocol was detected")
            )
        case .closed:
            break
        }
    }

    // MARK: - Detection

    private func decideIfPossible() {
        guard let socket = self.socket else { return }
        let detection = Self.detect(self.buffered)
        let handler: any NacosStreamHandler
        switch detection {
        case .needMoreBytes:
            return
        case .tls:
            handler = self.tls.makeHandler(wrapping: self.inner, role: .server, logger: self.logger)
        case .plaintext:
            handler = self.inner
            // A plaintext stream reads only once the inner layer asks, as a bare socket would.
            socket.setReadingEnabled(false)
        }
        self.logger.trace("\(self.peerDescription) speaks \(detection == .tls ? "TLS" : "plaintext")")
        self.timer?.cancel()
        self.timer = nil
        self.state = .decided(handler)
        handler.streamActive(socket)
        guard case .decided = self.state else { return }
        var replay = self.buffered
        self.buffered = NacosByteBuffer()
        handler.streamRead(&replay)
    }

    private func detectionTimedOut(after timeout: Duration) {
        guard case .detecting = self.state else { return }
        self.closeUndecided(
            NacosTransportError(
                .tlsHandshakeFailed,
                "\(self.peerDescription) sent \(self.buffered.readableBytes) bytes in \(timeout), too few to tell TLS from plaintext"
            )
        )
    }

    private func closeUndecided(_ error: NacosTransportError) {
        self.logger.notice("closing \(self.peerDescription): \(error.message)")
        self.timer?.cancel()
        self.timer = nil
        self.socket?.close(flush: false, error: error)
    }
}

@available(*, unavailable)
extension TLSSniffingHandler: Sendable {}
