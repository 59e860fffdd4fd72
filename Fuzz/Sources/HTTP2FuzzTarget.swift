import Dispatch
import NacosHTTP2
import NacosTransport

/// A server-role `HTTP2Connection` (frame decoder, stream state machine, flow control, flood guards) fed the
/// input as a client's byte stream, in a few chunks, through an in-memory output on a real event loop.
///
/// The first byte chooses the chunk size and whether the connection runs with tight limits (small windows,
/// few streams, few CONTINUATIONs); the client preface is prefixed unless the rest starts with it. Every
/// request that ends is answered (headers, the body echoed, trailers), so the send paths run too. After the
/// input the stream is closed; the connection must then hold no stream and be freed (nothing grows from one
/// input to the next), and what it wrote must be well-formed HTTP/2 (`checkFrames`).
enum HTTP2FuzzTarget: FuzzTarget {
    static let name = "http2"

    /// One loop for every input: the connection's preface timer needs a running loop.
    private static let loop: NacosEventLoop = {
        do {
            return try NacosEventLoopGroup(numberOfThreads: 1, logger: .disabled()).loops[0]
        } catch {
            preconditionFailure("cannot start the fuzz event loop: \(error)")
        }
    }()

    private static let chunkSizes = [1, 3, 9, 24, 64, 256, 1024, Int.max]

    static func run(_ bytes: [UInt8]) {
        let done = DispatchSemaphore(value: 0)
        Self.loop.execute {
            Self.runOnLoop(bytes)
            done.signal()
        }
        done.wait()
    }

    private static func runOnLoop(_ bytes: [UInt8]) {
        let control = bytes.first ?? 0
        var stream = Array(bytes.dropFirst())
        if !stream.starts(with: HTTP2FrameWriter.clientPreface) {
            stream = HTTP2FrameWriter.clientPreface + stream
        }
        var configuration = HTTP2Configuration()
        // A timer that is due soon leaves the loop's timer queue soon once cancelled.
        configuration.prefaceTimeout = .milliseconds(1)
        if control & 0x08 != 0 {
            configuration.maxConcurrentStreams = 4
            configuration.initialStreamWindowSize = 100
            configuration.connectionWindowSize = 65_535
            configuration.maxHeaderBlockFragments = 4
            configuration.maxHeaderListSize = 1024
            configuration.headerTableSize = 256
            configuration.resetBurst = 8
            configuration.maxBufferedOutboundBytes = 4096
        }
        weak var released: HTTP2Connection?
        do {
            let output = FuzzHTTP2Output(eventLoop: Self.loop)
            let delegate = FuzzHTTP2Delegate()
            let connection = HTTP2Connection(role: .server, configuration: configuration, logger: .disabled(), delegate: delegate)
            released = connection
            output.handler = connection
            connection.streamActive(output)
            let chunkSize = Self.chunkSizes[Int(control & 0x07)]
            var offset = 0
            var chunks = 0
            while offset < stream.count, output.isOpen {
                // A few chunks of the chosen size, then the rest at once.
                let length = chunks < 4 ? min(chunkSize, stream.count - offset) : stream.count - offset
                var chunk = NacosByteBuffer(bytes: stream[offset..<(offset + length)])
                connection.streamRead(&chunk)
                offset += length
                chunks += 1
            }
            // The peer hangs up: the connection closes its output, which reports the close back.
            connection.streamInputClosed()
            if output.isOpen { output.close(flush: false, error: nil) }
            if connection.openStreamCount != 0 {
                preconditionFailure("HTTP/2 connection keeps \(connection.openStreamCount) streams after it closed")
            }
            if !delegate.closed {
                preconditionFailure("HTTP/2 connection closed without telling its delegate")
            }
            if let written = output.written { Self.checkFrames(written) }
        }
        if released != nil {
            preconditionFailure("HTTP/2 connection is still referenced after it closed (a reference cycle)")
        }
    }
}

extension HTTP2FuzzTarget {
    /// What the server wrote must be well-formed: whole frames, SETTINGS first, every header block in
    /// uninterrupted HEADERS + CONTINUATION frames decoding to one of the lists the delegate sends, and
    /// nothing but RST_STREAM on a stream after our END_STREAM.
    fileprivate static func checkFrames(_ bytes: [UInt8]) {
        var decoder = HPACKDecoder(maxDynamicTableSize: 1 << 30, maxHeaderListSize: 1 << 30)
        var index = 0
        var block: (streamID: UInt32, fragments: NacosByteBuffer)?
        var ended: Set<UInt32> = []
        var first = true
        while index < bytes.count {
            guard index + 9 <= bytes.count else { preconditionFailure("HTTP/2 output ends inside a frame header at \(index)") }
            let length = Int(bytes[index]) << 16 | Int(bytes[index + 1]) << 8 | Int(bytes[index + 2])
            let type = bytes[index + 3]
            let flags = bytes[index + 4]
            let streamID = (UInt32(bytes[index + 5]) << 24 | UInt32(bytes[index + 6]) << 16 | UInt32(bytes[index + 7]) << 8 | UInt32(bytes[index + 8])) & 0x7fff_ffff
            guard index + 9 + length <= bytes.count else { preconditionFailure("HTTP/2 output ends inside a frame of \(length) bytes at \(index)") }
            let payload = NacosByteBuffer(bytes: bytes[(index + 9)..<(index + 9 + length)])
            index += 9 + length
            if first {
                guard type == 0x4, flags == 0 else { preconditionFailure("HTTP/2 server's first frame is of type \(type), not SETTINGS") }
                first = false
            }
            if let open = block {
                guard type == 0x9, streamID == open.streamID else {
                    preconditionFailure("HTTP/2 output interrupts the header block of stream \(open.streamID) with a frame of type \(type) on stream \(streamID)")
                }
            }
            switch type {
            case 0x0, 0x1:
                guard streamID != 0 else { preconditionFailure("HTTP/2 output has a frame of type \(type) on stream 0") }
                guard !ended.contains(streamID) else { preconditionFailure("HTTP/2 output has a frame of type \(type) on stream \(streamID) after END_STREAM") }
                if flags & 0x1 != 0 { ended.insert(streamID) }
                if type == 0x1 { block = (streamID, payload) }
            case 0x9:
                guard var open = block else { preconditionFailure("HTTP/2 output has CONTINUATION outside a header block") }
                open.fragments.writeImmutableBuffer(payload)
                block = open
            default:
                break
            }
            if type == 0x1 || type == 0x9, flags & 0x4 != 0, let open = block {
                block = nil
                let headers: [HPACKHeader]
                do {
                    headers = try decoder.decode(open.fragments)
                } catch {
                    preconditionFailure("HTTP/2 output: the header block on stream \(open.streamID) does not decode: \(error)")
                }
                let fields = headers.map { [$0.name, $0.value] }
                guard fields == [[":status", "200"], ["content-type", "application/grpc"]] || fields == [["grpc-status", "0"]] else {
                    preconditionFailure("HTTP/2 output: the header block on stream \(open.streamID) decodes as \(fields)")
                }
            }
        }
    }
}

/// The stream beneath the connection: keeps what it is given (up to 1 MiB, for `checkFrames`), reports a
/// close back like a transport.
private final class FuzzHTTP2Output: NacosStreamOutput {
    let eventLoop: NacosEventLoop
    weak var handler: (any NacosStreamHandler)?
    private(set) var isOpen = true
    /// What was written, or nil past 1 MiB.
    private(set) var written: [UInt8]? = []
    var localAddress: NacosSocketAddress? { nil }
    var remoteAddress: NacosSocketAddress? { nil }
    var isWritable: Bool { true }

    init(eventLoop: NacosEventLoop) {
        self.eventLoop = eventLoop
    }

    func write(_ bytes: NacosByteBuffer, completion: NacosWriteCompletion?) {
        guard self.isOpen else {
            completion?(.failure(NacosTransportError(.connectionClosed, "closed")))
            return
        }
        if let count = self.written?.count {
            if count + bytes.readableBytes <= 1 << 20 {
                self.written?.append(contentsOf: bytes.readableBytesArray)
            } else {
                self.written = nil
            }
        }
        completion?(.success(()))
    }

    func flush() {}
    func setReadingEnabled(_ enabled: Bool) {}
    func shutdownOutput() {}

    func close(flush: Bool, error: (any Error)?) {
        guard self.isOpen else { return }
        self.isOpen = false
        self.handler?.streamClosed(error)
    }
}

/// Accepts every stream: a request that ends is answered with headers, its body echoed and trailers.
private final class FuzzHTTP2Delegate: HTTP2ConnectionDelegate {
    private(set) var closed = false
    private var bodies: [UInt32: NacosByteBuffer] = [:]

    func http2ConnectionActive(_ connection: HTTP2Connection) {}

    func http2Connection(_ connection: HTTP2Connection, didReceiveHeaders headers: [HPACKHeader], streamID: UInt32, endStream: Bool) {
        if endStream { self.answer(connection, streamID) }
    }

    func http2Connection(_ connection: HTTP2Connection, didReceiveData data: NacosByteBuffer, streamID: UInt32, endStream: Bool) {
        var body = self.bodies[streamID] ?? NacosByteBuffer()
        // Only the start of each body is kept for the echo: memory stays bounded by the input.
        if body.readableBytes < 4096 { body.writeImmutableBuffer(data) }
        self.bodies[streamID] = body
        if endStream { self.answer(connection, streamID) }
    }

    private func answer(_ connection: HTTP2Connection, _ streamID: UInt32) {
        let body = self.bodies.removeValue(forKey: streamID) ?? NacosByteBuffer()
        connection.sendHeaders([HPACKHeader(":status", "200"), HPACKHeader("content-type", "application/grpc")], streamID: streamID, endStream: false)
        connection.sendData(body, streamID: streamID, endStream: false, completion: nil)
        connection.sendHeaders([HPACKHeader("grpc-status", "0")], streamID: streamID, endStream: true)
    }

    func http2Connection(_ connection: HTTP2Connection, streamReset streamID: UInt32, errorCode: HTTP2ErrorCode) {
        self.bodies[streamID] = nil
    }

    func http2Connection(_ connection: HTTP2Connection, didReceiveGoAway lastStreamID: UInt32, errorCode: HTTP2ErrorCode) {}
    func http2Connection(_ connection: HTTP2Connection, writabilityChanged isWritable: Bool) {}

    func http2ConnectionClosed(_ connection: HTTP2Connection, error: (any Error)?) {
        self.closed = true
        self.bodies = [:]
    }
}
