import NacosTransport
import Synchronization

/// One keep-alive HTTP/1.1 connection of the `http-register` load: keeps `depth` requests outstanding
/// (pipelined when above 1), sending the next as each response completes, and counts the responses.
///
/// Runs entirely on its event loop; responses are framed by `Content-Length` only, which is all the
/// Open API sends.
final class HTTPLoadConnection: NacosStreamHandler, @unchecked Sendable {
    // Sendable: every mutable field but `samples` (a Mutex) is confined to the connection's loop.

    private let depth: Int
    private let makeRequest: (Int) -> [UInt8]
    private let recorder: RpcLoadRecorder
    private let samples = Mutex<[UInt32]>([])
    private var output: (any NacosStreamOutput)?
    private var sentAt: [UInt64] = []
    private var sentAtHead = 0
    private var pending: [UInt8] = []
    private var sequence = 0
    private let onActive: @Sendable (Result<Void, any Error>) -> Void
    private var reported = false

    /// A connection sending `makeRequest(n)` for n = 0, 1, 2 …, `depth` at a time.
    init(
        depth: Int,
        recorder: RpcLoadRecorder,
        makeRequest: @escaping (Int) -> [UInt8],
        onActive: @escaping @Sendable (Result<Void, any Error>) -> Void
    ) {
        self.depth = depth
        self.recorder = recorder
        self.makeRequest = makeRequest
        self.onActive = onActive
    }

    /// The latency samples (nanoseconds) recorded while measuring.
    var latencySamples: [UInt32] { self.samples.withLock { $0 } }

    func streamActive(_ output: any NacosStreamOutput) {
        self.output = output
        output.setReadingEnabled(true)
        self.report(.success(()))
        for _ in 0..<self.depth { self.sendNext() }
        output.flush()
    }

    func streamRead(_ bytes: inout NacosByteBuffer) {
        bytes.withUnsafeReadableBytes { self.pending.append(contentsOf: $0) }
        bytes.moveReaderIndex(forwardBy: bytes.readableBytes)
        var consumed = 0
        var sentAny = false
        while let length = Self.responseLength(self.pending, from: consumed) {
            consumed += length
            let started = self.sentAt[self.sentAtHead]
            self.sentAtHead += 1
            self.recorder.completed()
            if self.recorder.isMeasuring {
                let elapsed = MonotonicClock.nanoseconds() &- started
                self.samples.withLock { $0.append(UInt32(clamping: elapsed)) }
            }
            if !self.recorder.isStopping {
                self.sendNext()
                sentAny = true
            }
        }
        if consumed > 0 { self.pending.removeFirst(consumed) }
        if self.sentAtHead > 1024 {
            self.sentAt.removeFirst(self.sentAtHead)
            self.sentAtHead = 0
        }
        if sentAny { self.output?.flush() }
    }

    func streamWritabilityChanged(_ isWritable: Bool) {}

    func streamInputClosed() {
        self.output?.close(flush: false, error: nil)
    }

    func streamClosed(_ error: (any Error)?) {
        self.report(.failure(error ?? BenchmarkError("the HTTP connection closed")))
        if !self.recorder.isStopping {
            self.recorder.fail("HTTP connection closed: \(error.map { "\($0)" } ?? "by the server")")
        }
    }

    /// Closes the connection.
    func close() {
        self.output?.close(flush: false, error: nil)
    }

    private func report(_ result: Result<Void, any Error>) {
        guard !self.reported else { return }
        self.reported = true
        self.onActive(result)
    }

    private func sendNext() {
        let request = self.makeRequest(self.sequence)
        self.sequence += 1
        self.sentAt.append(MonotonicClock.nanoseconds())
        self.output?.write(NacosByteBuffer(bytes: request), completion: nil)
    }

    /// The length of the complete response starting at `start`, or nil while it is incomplete; a status
    /// other than 200 fails the load.
    private static func responseLength(_ bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count - start >= 16 else { return nil }
        var index = start
        var contentLength = 0
        var lineStart = start
        while index + 1 < bytes.count {
            if bytes[index] == 13, bytes[index + 1] == 10 {
                if index == lineStart {
                    let end = index + 2 + contentLength
                    return end <= bytes.count ? end - start : nil
                }
                if Self.hasPrefix(bytes, at: lineStart, "content-length:") {
                    var value = 0
                    for byte in bytes[(lineStart + 15)..<index] where byte >= 48 && byte <= 57 {
                        value = value * 10 + Int(byte - 48)
                    }
                    contentLength = value
                }
                index += 2
                lineStart = index
            } else {
                index += 1
            }
        }
        return nil
    }

    private static func hasPrefix(_ bytes: [UInt8], at offset: Int, _ lowercasePrefix: StaticString) -> Bool {
        let count = lowercasePrefix.utf8CodeUnitCount
        guard offset + count <= bytes.count else { return false }
        return lowercasePrefix.withUTF8Buffer { prefix in
            for i in 0..<count where (bytes[offset + i] | 0x20) != (prefix[i] | 0x20) { return false }
            return true
        }
    }
}
