import Synchronization

/// Process-wide source of connection ids.
private let connectionIDs = Atomic<UInt64>(0)

/// The frame layer on top of a byte stream, and the `NacosConnection` every built-in transport hands out.
///
/// Inbound bytes go through a `NacosFrameDecoder`; each frame is delivered to the connection handler on the
/// loop. Outbound frames get their length prefix and are coalesced: small frames sent in one loop tick (or
/// during one read) are packed into a single buffer and written with one system call.
internal final class FramedConnection: NacosConnection, NacosStreamHandler, @unchecked Sendable {
    // Sendable: `shared` is a Mutex and `open`/`writable` are atomics; every other mutable field is
    // confined to `eventLoop`.

    private struct SharedState {
        var outbox: [(NacosByteBuffer, (@Sendable (Result<Void, NacosTransportError>) -> Void)?)] = []
        var localAddress: NacosSocketAddress?
        var remoteAddress: NacosSocketAddress?
        var closed = false
        var closeError: (any Error)?
        var closeWaiters: [CheckedContinuation<(any Error)?, Never>] = []
    }

    /// Frames up to this size are copied into the coalescing buffer; larger ones get a buffer of their own.
    private static let coalesceLimit = 16 * 1024
    /// The coalescing buffer is handed to the stream once it holds this much.
    private static let coalescedChunk = 64 * 1024
    /// The largest coalescing buffer a connection keeps between batches; a larger one (grown by a burst or
    /// one big frame) is dropped once written, so ten thousand idle connections do not each hold the
    /// high-water mark of their busiest moment.
    private static let retainedCoalescingCapacity = 1024

    let id: UInt64
    let eventLoop: NacosEventLoop
    private let configuration: NacosTransportConfiguration
    private let logger: NacosLogger
    private let shared = Mutex(SharedState())
    private let open = Atomic<Bool>(false)
    private let writable = Atomic<Bool>(true)

    // Loop-confined state.
    private var output: (any NacosStreamOutput)?
    private var handler: (any NacosConnectionHandler)?
    private var decoder: NacosFrameDecoder
    private var framesBeforeStart: [NacosByteBuffer] = []
    private var onEstablished: ((Result<FramedConnection, any Error>) -> Void)?
    private var coalesced = NacosByteBuffer()
    private var coalescedCompletions: [NacosWriteCompletion] = []
    private var inRead = false
    private var failed = false

    /// Creates the frame layer; `onEstablished` runs once, on the loop, when the stream beneath becomes
    /// active (or fails before that).
    init(
        eventLoop: NacosEventLoop,
        configuration: NacosTransportConfiguration,
        logger: NacosLogger,
        onEstablished: @escaping (Result<FramedConnection, any Error>) -> Void
    ) {
        self.id = connectionIDs.wrappingAdd(1, ordering: .relaxed).newValue
        self.eventLoop = eventLoop
        self.configuration = configuration
        self.logger = logger
        self.decoder = NacosFrameDecoder(maxFrameLength: configuration.maxFrameLength)
        self.onEstablished = onEstablished
    }

    // MARK: - NacosConnection

    var localAddress: NacosSocketAddress? { self.shared.withLock { $0.localAddress } }
    var remoteAddress: NacosSocketAddress? { self.shared.withLock { $0.remoteAddress } }
    var isWritable: Bool { self.writable.load(ordering: .relaxed) }
    var isOpen: Bool { self.open.load(ordering: .relaxed) }

    func start(_ handler: any NacosConnectionHandler) {
        self.onLoop {
            precondition(self.handler == nil, "start(_:) called twice on connection \(self.id)")
            self.handler = handler
            let early = self.framesBeforeStart
            self.framesBeforeStart = []
            for frame in early {
                handler.connection(self, didReceive: frame)
            }
            if let output = self.output, output.isOpen || self.open.load(ordering: .relaxed) {
                output.setReadingEnabled(true)
            } else if self.shared.withLock({ $0.closed }) {
                handler.connectionClosed(self, error: self.shared.withLock { $0.closeError })
            }
        }
    }

    func send(_ frame: NacosByteBuffer, completion: (@Sendable (Result<Void, NacosTransportError>) -> Void)?) {
        if self.eventLoop.inEventLoop {
            self.enqueue(frame, completion: completion)
            if !self.inRead {
                self.flushCoalesced()
            }
            return
        }
        let needsDrain = self.shared.withLock { state -> Bool in
            state.outbox.append((frame, completion))
            return state.outbox.count == 1
        }
        if needsDrain {
            self.eventLoop.execute { self.drainOutbox() }
        }
    }

    func close(flush: Bool) {
        self.onLoop {
            guard let output = self.output else { return }
            if flush {
                self.drainOutbox()
            }
            output.close(flush: flush, error: nil)
        }
    }

    func closed() async -> (any Error)? {
        await withCheckedContinuation { continuation in
            let result = self.shared.withLock { state -> (any Error)?? in
                if state.closed { return .some(state.closeError) }
                state.closeWaiters.append(continuation)
                return .none
            }
            if let error = result {
                continuation.resume(returning: error)
            }
        }
    }

    // MARK: - Outbound

    private func onLoop(_ body: @escaping @Sendable () -> Void) {
        if self.eventLoop.inEventLoop {
            body()
        } else {
            self.eventLoop.execute(body)
        }
    }

    private func drainOutbox() {
        let frames = self.shared.withLock { state in
            defer { state.outbox.removeAll(keepingCapacity: true) }
            return state.outbox
        }
        for (frame, completion) in frames {
            self.enqueue(frame, completion: completion)
        }
        self.flushCoalesced()
    }

    private func enqueue(_ frame: NacosByteBuffer, completion: NacosWriteCompletion?) {
        guard let output = self.output, output.isOpen else {
            completion?(.failure(NacosTransportError(.connectionClosed, "send on a closed connection")))
            return
        }
        let length = frame.readableBytes
        guard length <= self.configuration.maxFrameLength else {
            completion?(.failure(NacosTransportError(.frameTooLarge, "frame of \(length) bytes exceeds the maximum of \(self.configuration.maxFrameLength)")))
            return
        }
        if length <= Self.coalesceLimit {
            if self.coalesced.readableBytes == 0 {
                // Reuses the allocation once the stream has written (and released) the previous batch.
                self.coalesced.clear()
            }
            self.coalesced.writeInteger(UInt32(length))
            self.coalesced.writeImmutableBuffer(frame)
            if let completion {
                self.coalescedCompletions.append(completion)
            }
            if self.coalesced.readableBytes >= Self.coalescedChunk {
                self.pushCoalesced(to: output)
            }
            return
        }
        // A large frame goes out as one buffer, header included: were header and payload two writes, the
        // header could be queued and the payload refused (writeBufferFull), corrupting the stream.
        self.pushCoalesced(to: output)
        var whole = NacosByteBuffer(capacity: NacosFrameDecoder.headerLength + length)
        whole.writeInteger(UInt32(length))
        whole.writeImmutableBuffer(frame)
        output.write(whole, completion: completion)
    }

    private func pushCoalesced(to output: any NacosStreamOutput) {
        guard self.coalesced.readableBytes > 0 else { return }
        let completions = self.coalescedCompletions
        self.coalescedCompletions = []
        let completion: NacosWriteCompletion? =
            completions.isEmpty
            ? nil
            : { result in
                for completion in completions { completion(result) }
            }
        output.write(self.coalesced, completion: completion)
        if self.coalesced.capacity > Self.retainedCoalescingCapacity {
            self.coalesced = NacosByteBuffer()
        } else {
            self.coalesced.moveReaderIndex(to: self.coalesced.writerIndex)
        }
    }

    private func flushCoalesced() {
        guard let output = self.output else { return }
        self.pushCoalesced(to: output)
        output.flush()
    }

    // MARK: - NacosStreamHandler

    func streamActive(_ output: any NacosStreamOutput) {
        self.output = output
        self.shared.withLock { state in
            state.localAddress = output.localAddress
            state.remoteAddress = output.remoteAddress
        }
        self.open.store(true, ordering: .relaxed)
        self.writable.store(output.isWritable, ordering: .relaxed)
        let established = self.onEstablished
        self.onEstablished = nil
        established?(.success(self))
    }

    func streamRead(_ bytes: inout NacosByteBuffer) {
        guard !self.failed else {
            bytes.moveReaderIndex(to: bytes.writerIndex)
            return
        }
        self.inRead = true
        defer {
            self.inRead = false
            self.flushCoalesced()
        }
        do {
            try self.decoder.decode(&bytes) { frame in
                if let handler = self.handler {
                    handler.connection(self, didReceive: frame)
                } else {
                    self.framesBeforeStart.append(frame)
                }
            }
        } catch {
            self.failed = true
            bytes.moveReaderIndex(to: bytes.writerIndex)
            self.logger.warning(
                "closing connection \(self.id) from \(self.remoteAddress.map(String.init(describing:)) ?? "?"): \(error)"
            )
            self.output?.close(flush: false, error: error)
        }
    }

    func streamWritabilityChanged(_ isWritable: Bool) {
        self.writable.store(isWritable, ordering: .relaxed)
        self.handler?.connection(self, writabilityChanged: isWritable)
    }

    func streamInputClosed() {
        do {
            try self.decoder.finish()
            // The peer is done sending: finish our side and close.
            self.drainOutbox()
            self.output?.close(flush: true, error: nil)
        } catch {
            self.logger.debug("connection \(self.id): \(error)")
            self.output?.close(flush: false, error: error)
        }
    }

    func streamClosed(_ error: (any Error)?) {
        self.open.store(false, ordering: .relaxed)
        let (waiters, outbox) = self.shared.withLock { state in
            state.closed = true
            state.closeError = error
            defer {
                state.closeWaiters.removeAll()
                state.outbox.removeAll()
            }
            return (state.closeWaiters, state.outbox)
        }
        let closedError = NacosTransportError(.connectionClosed, "connection closed before the frame was sent")
        for (_, completion) in outbox {
            completion?(.failure(closedError))
        }
        for completion in self.coalescedCompletions {
            completion(.failure(closedError))
        }
        self.coalescedCompletions = []
        if let established = self.onEstablished {
            self.onEstablished = nil
            established(.failure(error ?? NacosTransportError(.connectionClosed, "closed before it was established")))
        } else {
            self.handler?.connectionClosed(self, error: error)
        }
        for waiter in waiters {
            waiter.resume(returning: error)
        }
    }
}
