import NacosTransport
import Synchronization

/// Collects the frames of a connection and lets a test await them with a deadline.
final class FrameCollector: NacosConnectionHandler {
    struct State {
        var frames: [NacosByteBuffer] = []
        var closed = false
        var closeError: (any Error)?
        var writabilityChanges: [Bool] = []
    }

    let state = Mutex(State())

    func connection(_ connection: any NacosConnection, didReceive frame: NacosByteBuffer) {
        // Copy: the frame may share the loop's read buffer.
        let copy = NacosByteBuffer(bytes: frame.readableBytesArray)
        self.state.withLock { $0.frames.append(copy) }
    }

    func connection(_ connection: any NacosConnection, writabilityChanged isWritable: Bool) {
        self.state.withLock { $0.writabilityChanges.append(isWritable) }
    }

    func connectionClosed(_ connection: any NacosConnection, error: (any Error)?) {
        self.state.withLock {
            $0.closed = true
            $0.closeError = error
        }
    }

    var frames: [NacosByteBuffer] { self.state.withLock { $0.frames } }
    var isClosed: Bool { self.state.withLock { $0.closed } }
    var closeError: (any Error)? { self.state.withLock { $0.closeError } }

    /// Waits until `count` frames have arrived.
    func waitForFrames(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [NacosByteBuffer] {
        try await waitUntil(timeout: timeout, "\(count) frames") { self.state.withLock { $0.frames.count >= count } }
        return self.frames
    }

    /// Waits until the connection has closed.
    func waitForClose(timeout: Duration = .seconds(10)) async throws {
        try await waitUntil(timeout: timeout, "connection close") { self.isClosed }
    }
}
