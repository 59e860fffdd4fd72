import NacosTransport
import Synchronization

/// Collects the frames of a connection and lets a test await them with a deadline; with `echo`, also
/// sends every frame back.
final class FrameCollector: NacosConnectionHandler {
    struct State {
        var frames: [NacosByteBuffer] = []
        var closed = false
        var closeError: (any Error)?
        /// How many frames had arrived when `connectionClosed` was called.
        var framesAtClose: Int?
        var closeCallbacks = 0
        var writabilityChanges: [Bool] = []
        var callbacksOffLoop = 0
    }

    let state = Mutex(State())
    let echo: Bool

    init(echo: Bool = false) {
        self.echo = echo
    }

    func connection(_ connection: any NacosConnection, didReceive frame: NacosByteBuffer) {
        // Copy: the frame may share the loop's read buffer.
        let copy = NacosByteBuffer(bytes: frame.readableBytesArray)
        let onLoop = connection.eventLoop.inEventLoop
        self.state.withLock {
            $0.frames.append(copy)
            if !onLoop { $0.callbacksOffLoop += 1 }
        }
        if self.echo {
            connection.send(frame)
        }
    }

    func connection(_ connection: any NacosConnection, writabilityChanged isWritable: Bool) {
        self.state.withLock { $0.writabilityChanges.append(isWritable) }
    }

    func connectionClosed(_ connection: any NacosConnection, error: (any Error)?) {
        self.state.withLock {
            $0.closed = true
            $0.closeError = error
            $0.framesAtClose = $0.frames.count
            $0.closeCallbacks += 1
        }
    }

    var snapshot: State { self.state.withLock { $0 } }
    var frames: [NacosByteBuffer] { self.state.withLock { $0.frames } }
    var frameCount: Int { self.state.withLock { $0.frames.count } }
    var isClosed: Bool { self.state.withLock { $0.closed } }
    var closeError: (any Error)? { self.state.withLock { $0.closeError } }
    var writabilityChanges: [Bool] { self.state.withLock { $0.writabilityChanges } }

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

extension Error {
    /// The transport error code, if this is a `NacosTransportError`.
    var transportCode: NacosTransportError.Code? { (self as? NacosTransportError)?.code }
}
