/// One end of an in-memory byte pipe: the bottom of a stream whose peer lives in the same process.
///
/// Bytes written and flushed here are delivered to the peer's handler on the peer's loop. The sender counts
/// bytes the peer has not consumed yet, so writability, the hard outbound limit and read pausing behave as
/// they do over TCP: a peer that stops reading makes this side unwritable, then refuses writes.
internal final class InMemoryStreamEndpoint: NacosStreamOutput, Selectable, @unchecked Sendable {
    // Sendable: every mutable field is confined to `eventLoop`; the peer reaches it only through
    // `eventLoop.execute`.

    private enum State {
        case idle
        case active
        case closed
    }

    let eventLoop: NacosEventLoop
    let localAddress: NacosSocketAddress?
    let remoteAddress: NacosSocketAddress?
    private let handler: any NacosStreamHandler
    private let configuration: NacosTransportConfiguration
    private var peer: InMemoryStreamEndpoint?
    private var state = State.idle
    private var unflushed: [(NacosByteBuffer, NacosWriteCompletion?)] = []
    private var unflushedBytes = 0
    /// Bytes sent to the peer that it has not consumed yet.
    private var unacknowledgedBytes = 0
    private var inbox: [NacosByteBuffer] = []
    private var peerFinishedSending = false
    private var inputClosedDelivered = false
    private var outputShutdown = false
    private var readingEnabled = false
    private var delivering = false
    private(set) var isWritable = true
    /// Called once after this end closes.
    var onClose: (() -> Void)?

    var isOpen: Bool { self.state == .active && !self.outputShutdown }

    init(
        eventLoop: NacosEventLoop,
        localAddress: NacosSocketAddress,
        remoteAddress: NacosSocketAddress,
        handler: any NacosStreamHandler,
        configuration: NacosTransportConfiguration
    ) {
        self.eventLoop = eventLoop
        self.localAddress = localAddress
        self.remoteAddress = remoteAddress
        self.handler = handler
        self.configuration = configuration
    }

    /// Connects two ends; call before either is activated.
    static func pair(_ a: InMemoryStreamEndpoint, _ b: InMemoryStreamEndpoint) {
        a.peer = b
        b.peer = a
    }

    /// Makes this end active; must run on its loop.
    func activate() {
        self.eventLoop.assertInEventLoop()
        guard self.state == .idle else { return }
        self.state = .active
        self.eventLoop.attach(self)
        self.handler.streamActive(self)
        self.deliverInbox()
    }

    // MARK: - NacosStreamOutput

    func write(_ bytes: NacosByteBuffer, completion: NacosWriteCompletion?) {
        self.eventLoop.assertInEventLoop()
        guard self.state == .active, !self.outputShutdown else {
            completion?(.failure(.writeOnClosedStream))
            return
        }
        let queued = self.unflushedBytes + self.unacknowledgedBytes
        guard queued + bytes.readableBytes <= self.configuration.maxPendingWriteBytes else {
            completion?(.failure(.outboundLimitReached(self.configuration.maxPendingWriteBytes)))
            return
        }
        self.unflushed.append((bytes, completion))
        self.unflushedBytes += bytes.readableBytes
        self.updateWritability()
    }

    func flush() {
        self.eventLoop.assertInEventLoop()
        guard self.state == .active, !self.unflushed.isEmpty, let peer = self.peer else { return }
        let batch = self.unflushed
        self.unflushed = []
        self.unacknowledgedBytes += self.unflushedBytes
        self.unflushedBytes = 0
        let buffers = batch.map(\.0)
        peer.eventLoop.execute { peer.receive(buffers) }
        for (_, completion) in batch {
            completion?(.success(()))
        }
    }

    func setReadingEnabled(_ enabled: Bool) {
        self.eventLoop.assertInEventLoop()
        self.readingEnabled = enabled
        if enabled {
            self.deliverInbox()
        }
    }

    func shutdownOutput() {
        self.eventLoop.assertInEventLoop()
        guard self.state == .active, !self.outputShutdown else { return }
        self.flush()
        self.outputShutdown = true
        if let peer = self.peer {
            peer.eventLoop.execute { peer.receiveEndOfStream() }
        }
    }

    func close(flush: Bool, error: (any Error)?) {
        self.eventLoop.assertInEventLoop()
        guard self.state != .closed else { return }
        if flush {
            self.flush()
        }
        self.state = .closed
        self.eventLoop.detach(self)
        let failed = self.unflushed
        self.unflushed = []
        self.inbox = []
        let closedError = NacosTransportError(.connectionClosed, "connection closed before the write was sent")
        for (_, completion) in failed {
            completion?(.failure(closedError))
        }
        if let peer = self.peer {
            self.peer = nil
            peer.eventLoop.execute { peer.receiveEndOfStream() }
        }
        self.onClose?()
        self.onClose = nil
        self.handler.streamClosed(error)
    }

    // MARK: - Selectable

    func handleEvents(_ events: UInt32) {}

    func closeForShutdown() {
        self.close(flush: false, error: NacosTransportError(.shutDown, "event loop shut down"))
    }

    // MARK: - From the peer

    private func receive(_ buffers: [NacosByteBuffer]) {
        guard self.state != .closed else { return }
        self.inbox.append(contentsOf: buffers)
        self.deliverInbox()
    }

    private func receiveEndOfStream() {
        guard self.state != .closed else { return }
        self.peerFinishedSending = true
        self.deliverInbox()
    }

    private func acknowledge(_ count: Int) {
        self.unacknowledgedBytes -= count
        self.updateWritability()
    }

    private func deliverInbox() {
        guard self.state == .active, !self.delivering else { return }
        self.delivering = true
        defer { self.delivering = false }
        var consumed = 0
        while self.readingEnabled, self.state == .active, !self.inbox.isEmpty {
            var buffer = self.inbox.removeFirst()
            consumed += buffer.readableBytes
            self.handler.streamRead(&buffer)
        }
        if consumed > 0, let peer = self.peer {
            let count = consumed
            peer.eventLoop.execute { peer.acknowledge(count) }
        }
        if self.peerFinishedSending, self.inbox.isEmpty, self.state == .active, !self.inputClosedDelivered, self.readingEnabled {
            self.inputClosedDelivered = true
            self.handler.streamInputClosed()
        }
    }

    private func updateWritability() {
        let queued = self.unflushedBytes + self.unacknowledgedBytes
        if self.isWritable && queued > self.configuration.writeBufferHighWatermark {
            self.isWritable = false
            self.handler.streamWritabilityChanged(false)
        } else if !self.isWritable && queued < self.configuration.writeBufferLowWatermark {
            self.isWritable = true
            if self.state == .active {
                self.handler.streamWritabilityChanged(true)
            }
        }
    }
}
