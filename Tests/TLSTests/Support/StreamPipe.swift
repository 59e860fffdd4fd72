import NacosTestKit
import NacosTransport
import Synchronization

/// One end of an in-memory byte pipe that plays the socket beneath a stream handler.
///
/// Both ends live on one event loop. Flushed bytes reach the peer's handler on a later loop turn, as with
/// a socket. `sendEndOfStream()` plays a TCP FIN that arrives without any TLS close_notify.
///
/// `@unchecked Sendable`: every mutable field is touched only on `eventLoop` (tests reach the ends through
/// `eventLoop.execute`).
final class PipeEnd: NacosStreamOutput, @unchecked Sendable {
    let eventLoop: NacosEventLoop
    let name: String
    var handler: (any NacosStreamHandler)?
    weak var peer: PipeEnd?

    private var queued: [(NacosByteBuffer, NacosWriteCompletion?)] = []
    private var inbound: [NacosByteBuffer] = []
    private var inboundEnded = false
    private var readingEnabled = false
    private(set) var isOpen = true
    private var outputShut = false
    private var deliveredEnd = false
    private(set) var bytesWritten = 0
    /// When set, flushed bytes reach the peer in pieces of at most this many bytes (drip feeding).
    var maximumChunkSize: Int?

    init(eventLoop: NacosEventLoop, name: String) {
        self.eventLoop = eventLoop
        self.name = name
    }

    /// Two connected ends on `eventLoop`.
    static func pair(on eventLoop: NacosEventLoop) -> (PipeEnd, PipeEnd) {
        let a = PipeEnd(eventLoop: eventLoop, name: "a")
        let b = PipeEnd(eventLoop: eventLoop, name: "b")
        a.peer = b
        b.peer = a
        return (a, b)
    }

    var localAddress: NacosSocketAddress? { .inMemory("pipe-\(self.name)") }
    var remoteAddress: NacosSocketAddress? { self.peer?.localAddress }
    var isWritable: Bool { self.isOpen }

    func activate() {
        self.handler?.streamActive(self)
    }

    func write(_ bytes: NacosByteBuffer, completion: NacosWriteCompletion?) {
        guard self.isOpen, !self.outputShut else {
            completion?(.failure(NacosTransportError(.connectionClosed, "pipe closed")))
            return
        }
        self.bytesWritten += bytes.readableBytes
        self.queued.append((bytes, completion))
    }

    func flush() {
        let queued = self.queued
        self.queued = []
        for (bytes, completion) in queued {
            let peer = self.peer
            var remaining = bytes
            let chunk = self.maximumChunkSize ?? max(remaining.readableBytes, 1)
            while remaining.readableBytes > 0 {
                let piece = remaining.readSlice(length: min(chunk, remaining.readableBytes))!
                self.eventLoop.execute { peer?.receive(piece) }
            }
            completion?(.success(()))
        }
    }

    func setReadingEnabled(_ enabled: Bool) {
        self.readingEnabled = enabled
        if enabled {
            self.eventLoop.execute { self.deliver() }
        }
    }

    func shutdownOutput() {
        self.flush()
        self.outputShut = true
        self.sendEndOfStream()
    }

    /// The peer sees end of stream (a FIN), whatever TLS said before.
    func sendEndOfStream() {
        let peer = self.peer
        self.eventLoop.execute { peer?.receiveEnd() }
    }

    func close(flush: Bool, error: (any Error)?) {
        guard self.isOpen else { return }
        if flush {
            self.flush()
        } else {
            for (_, completion) in self.queued {
                completion?(.failure(NacosTransportError(.connectionClosed, "pipe closed")))
            }
            self.queued = []
        }
        self.isOpen = false
        self.sendEndOfStream()
        self.eventLoop.execute { self.handler?.streamClosed(error) }
    }

    private func receive(_ bytes: NacosByteBuffer) {
        guard self.isOpen else { return }
        self.inbound.append(bytes)
        self.deliver()
    }

    private func receiveEnd() {
        self.inboundEnded = true
        self.deliver()
    }

    private func deliver() {
        while self.readingEnabled, self.isOpen, !self.inbound.isEmpty {
            var bytes = self.inbound.removeFirst()
            self.handler?.streamRead(&bytes)
        }
        if self.readingEnabled, self.isOpen, self.inbound.isEmpty, self.inboundEnded, !self.deliveredEnd {
            self.deliveredEnd = true
            self.handler?.streamInputClosed()
        }
    }
}

/// A top layer that records what reaches it; its output is kept for the test to drive on the loop.
///
/// `@unchecked Sendable`: `output` is only touched on the stream's loop; the recorded events sit behind a Mutex.
final class RecordingStreamHandler: NacosStreamHandler, @unchecked Sendable {
    struct Events {
        var active = false
        var received: [UInt8] = []
        var inputClosed = false
        var closed = false
        var closeError: (any Error)?
    }

    let events = Mutex(Events())
    var output: (any NacosStreamOutput)?
    /// Whether to enable reading as soon as the stream is active.
    let readImmediately: Bool

    init(readImmediately: Bool = true) {
        self.readImmediately = readImmediately
    }

    func streamActive(_ output: any NacosStreamOutput) {
        self.output = output
        self.events.withLock { $0.active = true }
        if self.readImmediately {
            output.setReadingEnabled(true)
        }
    }

    func streamRead(_ bytes: inout NacosByteBuffer) {
        let received = bytes.readBytes(length: bytes.readableBytes) ?? []
        self.events.withLock { $0.received += received }
    }

    func streamWritabilityChanged(_ isWritable: Bool) {}

    func streamInputClosed() {
        self.events.withLock { $0.inputClosed = true }
    }

    func streamClosed(_ error: (any Error)?) {
        self.events.withLock {
            $0.closed = true
            $0.closeError = error
        }
    }

    var snapshot: Events { self.events.withLock { $0 } }
}
