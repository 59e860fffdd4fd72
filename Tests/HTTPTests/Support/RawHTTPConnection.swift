import NacosHTTP
import NacosTestKit
import NacosTransport
import Synchronization

/// A client connection that writes arbitrary bytes and records what comes back, for protocol tests.
final class RawHTTPConnection: NacosStreamHandler, @unchecked Sendable {
    // Sendable: `state` is a Mutex; `output` is set and used on `loop` only.

    struct State {
        var received: [UInt8] = []
        var active = false
        var inputClosed = false
        var closed = false
        var closeError: (any Error)?
    }

    let loop: NacosEventLoop
    let state = Mutex(State())
    private var output: (any NacosStreamOutput)?

    private init(loop: NacosEventLoop) {
        self.loop = loop
    }

    /// Connects and waits until the stream is active.
    static func connect(transport: any NacosStreamTransport, to address: NacosSocketAddress) async throws -> RawHTTPConnection {
        var created: RawHTTPConnection?
        try transport.connectStream(to: address, timeout: .seconds(5)) { loop in
            let connection = RawHTTPConnection(loop: loop)
            created = connection
            return connection
        }
        let connection = created!
        try await waitUntil("raw connection to become active") {
            connection.state.withLock { $0.active || $0.closed }
        }
        if !connection.state.withLock({ $0.active }) {
            throw HTTPClientError(.connectFailed, "raw connection failed: \(String(describing: connection.state.withLock { $0.closeError }))")
        }
        return connection
    }

    /// Writes `bytes` in one write.
    func write(_ bytes: [UInt8]) {
        self.loop.execute {
            guard let output = self.output, output.isOpen else { return }
            output.write(NacosByteBuffer(bytes: bytes), completion: nil)
            output.flush()
        }
    }

    /// Writes the UTF-8 bytes of `text` in one write.
    func write(_ text: String) {
        self.write(Array(text.utf8))
    }

    /// Writes `bytes` in pieces of `size` bytes, each flushed on its own.
    func writeInPieces(_ bytes: [UInt8], size: Int) {
        self.loop.execute {
            guard let output = self.output else { return }
            var start = 0
            while start < bytes.count, output.isOpen {
                let end = min(start + size, bytes.count)
                output.write(NacosByteBuffer(bytes: bytes[start..<end]), completion: nil)
                output.flush()
                start = end
            }
        }
    }

    /// Closes this side for writing.
    func shutdownOutput() {
        self.loop.execute { self.output?.shutdownOutput() }
    }

    /// Closes the connection.
    func close() {
        self.loop.execute { self.output?.close(flush: false, error: nil) }
    }

    /// Everything received so far.
    var received: [UInt8] { self.state.withLock { $0.received } }

    /// Whether the connection is closed (or the server finished sending).
    var isClosed: Bool { self.state.withLock { $0.closed || $0.inputClosed } }

    /// Waits until `count` complete responses have arrived and returns them; `headOnly` lists the indexes
    /// of responses to HEAD requests (which have no body).
    @discardableResult
    func waitForResponses(_ count: Int, headOnly: Set<Int> = [], timeout: Duration = .seconds(10)) async throws -> [RawHTTPResponse] {
        var parsed: [RawHTTPResponse] = []
        try await waitUntil(timeout: timeout, "\(count) responses") {
            parsed = RawHTTPResponse.parseAll(self.received, headOnly: headOnly).responses
            return parsed.count >= count
        }
        return parsed
    }

    /// Waits until the server has closed the connection (or at least its sending side).
    func waitForClose(timeout: Duration = .seconds(10)) async throws {
        try await waitUntil(timeout: timeout, "the server to close the connection") { self.isClosed }
    }

    // MARK: - NacosStreamHandler

    func streamActive(_ output: any NacosStreamOutput) {
        self.output = output
        output.setReadingEnabled(true)
        self.state.withLock { $0.active = true }
    }

    func streamRead(_ bytes: inout NacosByteBuffer) {
        let chunk = bytes.readableBytesArray
        bytes.moveReaderIndex(to: bytes.writerIndex)
        self.state.withLock { $0.received.append(contentsOf: chunk) }
    }

    func streamWritabilityChanged(_ isWritable: Bool) {}

    func streamInputClosed() {
        self.state.withLock { $0.inputClosed = true }
        self.output?.close(flush: true, error: nil)
    }

    func streamClosed(_ error: (any Error)?) {
        self.state.withLock {
            $0.closed = true
            $0.closeError = error
        }
    }
}
