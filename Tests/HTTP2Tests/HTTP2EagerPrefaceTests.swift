import NacosHTTP2
import NacosTestKit
@testable import NacosTransport
import Synchronization
import Testing

/// A transport may hand a stream the bytes that already arrived from inside `setReadingEnabled(true)`
/// (the in-memory transport does, when the client's end became active first): the server must then meet
/// the client's preface in its preface phase and answer with its SETTINGS, not fail the connection.
@Suite("HTTP/2 preface delivered at activation")
struct HTTP2EagerPrefaceTests {
    /// An output that delivers `pending` to the connection as soon as reading is enabled, and keeps what
    /// the connection writes.
    final class EagerOutput: NacosStreamOutput, @unchecked Sendable {
        // @unchecked Sendable: used on its event loop only.
        let eventLoop: NacosEventLoop
        weak var connection: HTTP2Connection?
        var pending: NacosByteBuffer?
        var written = NacosByteBuffer()
        var localAddress: NacosSocketAddress? { nil }
        var remoteAddress: NacosSocketAddress? { nil }
        var isWritable: Bool { true }
        var isOpen: Bool { true }
        var negotiatedApplicationProtocol: String? { nil }

        init(eventLoop: NacosEventLoop) {
            self.eventLoop = eventLoop
        }

        func write(_ bytes: NacosByteBuffer, completion: NacosWriteCompletion?) {
            self.written.writeImmutableBuffer(bytes)
            completion?(.success(()))
        }

        func flush() {}

        func setReadingEnabled(_ enabled: Bool) {
            guard enabled, var bytes = self.pending else { return }
            self.pending = nil
            self.connection?.streamRead(&bytes)
        }

        func shutdownOutput() {}
        func close(flush: Bool, error: (any Error)?) {}
    }

    @Test func aPrefaceDeliveredFromInsideActivationIsAnsweredWithSettings() async throws {
        try await withEventLoopGroup { group in
            let loop = group.next()
            let outcome = try await loop.submitAndWait { () -> (type: UInt8, sawGoAway: Bool, open: Bool) in
                let output = EagerOutput(eventLoop: loop)
                var preface = NacosByteBuffer(bytes: HTTP2FrameWriter.clientPreface)
                HTTP2FrameWriter.writeSettings([], into: &preface)
                output.pending = preface
                let recorder = HTTP2Recorder()
                let connection = HTTP2Connection(role: .server, configuration: HTTP2Configuration(), logger: .disabled(), delegate: recorder)
                output.connection = connection
                connection.streamActive(output)
                let bytes = output.written.readableBytesArray
                // Frames: a 9-byte header (length 3, type 1, flags 1, stream 4) then the payload.
                var index = 0
                var types: [UInt8] = []
                while index + 9 <= bytes.count {
                    let length = Int(bytes[index]) << 16 | Int(bytes[index + 1]) << 8 | Int(bytes[index + 2])
                    types.append(bytes[index + 3])
                    index += 9 + length
                }
                return (types.first ?? 0xFF, types.contains(0x7), connection.isOpen && recorder.state.withLock { $0.active })
            }
            #expect(outcome.type == 0x4, "the server's first frame is SETTINGS")
            #expect(!outcome.sawGoAway, "the connection was not failed")
            #expect(outcome.open, "the server took the preface and SETTINGS and is open")
        }
    }
}
