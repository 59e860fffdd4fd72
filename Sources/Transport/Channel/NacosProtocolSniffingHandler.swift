/// Routes an accepted stream to one of several protocol handlers, chosen by the stream's first bytes.
///
/// One port can then serve several protocols (the native frames and gRPC's HTTP/2, say), the way the TLS
/// compatibility mode tells TLS from plaintext. Until it has decided, the sniffer reads from the stream
/// itself, buffers what arrives (at most `maxPrefixLength` bytes) and enforces `detectionTimeout`; then it
/// makes the chosen handler active, with reading disabled so that the handler enables it when it is
/// ready, and replays the buffered bytes into it as if they had just arrived. It stays the stream's
/// handler for the stream's whole life, forwarding every event to the chosen one.
public final class NacosProtocolSniffingHandler: NacosStreamHandler {
    /// What a candidate protocol makes of the bytes seen so far.
    public enum Detection: Sendable, Equatable {
        /// Not enough bytes to tell.
        case needMoreBytes
        /// The bytes start this protocol.
        case match
        /// The bytes cannot start this protocol.
        case noMatch
    }

    /// One protocol the stream may speak.
    public struct Candidate {
        /// The protocol's name, for logs and errors.
        public var name: String
        /// Classifies the first bytes (the buffer starts at the stream's first byte).
        public var detect: (NacosByteBuffer) -> Detection
        /// Makes the handler that takes the stream over once this protocol matched.
        public var makeHandler: () -> any NacosStreamHandler

        /// Creates a candidate.
        public init(
            name: String,
            detect: @escaping (NacosByteBuffer) -> Detection,
            makeHandler: @escaping () -> any NacosStreamHandler
        ) {
            self.name = name
            self.detect = detect
            self.makeHandler = makeHandler
        }
    }

    private enum State {
        case idle
        case detecting
        case decided(any NacosStreamHandler)
        case closed
    }

    /// The most bytes buffered while detecting; a stream undecided after that many is closed.
    public static let maxPrefixLength = 64

    private let candidates: [Candidate]
    private let detectionTimeout: Duration
    private let logger: NacosLogger
    private var state = State.idle
    private var stream: (any NacosStreamOutput)?
    private var buffered = NacosByteBuffer()
    private var timer: NacosScheduledTask?

    /// Creates the sniffer for one accepted stream; `candidates` are asked in order.
    public init(candidates: [Candidate], detectionTimeout: Duration = .seconds(10), logger: NacosLogger) {
        precondition(!candidates.isEmpty, "a protocol sniffer needs at least one candidate")
        self.candidates = candidates
        self.detectionTimeout = detectionTimeout
        self.logger = logger
    }

    private var peerDescription: String {
        self.stream?.remoteAddress.map(String.init(describing:)) ?? "peer"
    }

    // MARK: - NacosStreamHandler

    /// Starts reading and arms the detection deadline.
    public func streamActive(_ output: any NacosStreamOutput) {
        self.stream = output
        self.state = .detecting
        output.setReadingEnabled(true)
        let timeout = self.detectionTimeout
        let reference = NacosLoopBoundReference(self, eventLoop: output.eventLoop)
        self.timer = output.eventLoop.scheduleTask(in: timeout) {
            reference.value?.detectionTimedOut(after: timeout)
        }
    }

    /// Buffers bytes until a candidate matches, then forwards them.
    public func streamRead(_ bytes: inout NacosByteBuffer) {
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

    /// Forwards writability changes to the chosen handler.
    public func streamWritabilityChanged(_ isWritable: Bool) {
        if case .decided(let handler) = self.state {
            handler.streamWritabilityChanged(isWritable)
        }
    }

    /// Forwards the end of input, or closes a stream that ended before it could be classified.
    public func streamInputClosed() {
        switch self.state {
        case .detecting:
            self.closeUndecided(
                NacosTransportError(
                    .connectionClosed,
                    "\(self.peerDescription) closed the connection after \(self.buffered.readableBytes) bytes, too few to tell its protocol"
                )
            )
        case .decided(let handler):
            handler.streamInputClosed()
        case .idle, .closed:
            break
        }
    }

    /// Forwards the close to the chosen handler.
    public func streamClosed(_ error: (any Error)?) {
        self.timer?.cancel()
        self.timer = nil
        let previous = self.state
        self.state = .closed
        if case .decided(let handler) = previous {
            handler.streamClosed(error)
        }
    }

    // MARK: - Detection

    private func decideIfPossible() {
        guard let stream = self.stream else { return }
        var undecided = false
        for candidate in self.candidates {
            switch candidate.detect(self.buffered) {
            case .match:
                self.logger.trace("\(self.peerDescription) speaks \(candidate.name)")
                self.timer?.cancel()
                self.timer = nil
                let handler = candidate.makeHandler()
                self.state = .decided(handler)
                stream.setReadingEnabled(false)
                handler.streamActive(stream)
                guard case .decided = self.state else { return }
                var replay = self.buffered
                self.buffered = NacosByteBuffer()
                handler.streamRead(&replay)
                return
            case .needMoreBytes:
                undecided = true
            case .noMatch:
                continue
            }
        }
        if !undecided || self.buffered.readableBytes >= Self.maxPrefixLength {
            let names = self.candidates.map(\.name).joined(separator: ", ")
            self.closeUndecided(
                NacosTransportError(.connectionReset, "\(self.peerDescription) speaks none of the protocols of this port (\(names))")
            )
        }
    }

    private func detectionTimedOut(after timeout: Duration) {
        guard case .detecting = self.state else { return }
        self.closeUndecided(
            NacosTransportError(
                .connectionReset,
                "\(self.peerDescription) sent \(self.buffered.readableBytes) bytes in \(timeout), too few to tell its protocol"
            )
        )
    }

    private func closeUndecided(_ error: NacosTransportError) {
        self.logger.notice("closing \(self.peerDescription): \(error.message)")
        self.timer?.cancel()
        self.timer = nil
        self.state = .closed
        self.stream?.close(flush: false, error: error)
    }
}

@available(*, unavailable)
extension NacosProtocolSniffingHandler: Sendable {}
