package import NacosTransport
package import Synchronization

/// Collects the frames of a connection and lets a test await them with a deadline; with `echo`, also
/// sends every frame back.
package final class FrameCollector: NacosConnectionHandler {
    /// Everything the collector has seen.
    package struct State {
        package var frames: [NacosByteBuffer] = []
        package var closed = false
        package var closeError: (any Error)?
        /// How many frames had arrived when `connectionClosed` was called.
        package var framesAtClose: Int?
        package var closeCallbacks = 0
        package var writabilityChanges: [Bool] = []
        package var callbacksOffLoop = 0
    }

    /// The collected state.
    package let state = Mutex(State())
    /// Whether frames are sent back.
    package let echo: Bool

    /// Creates a collector; with `echo`, every frame is also sent back.
    package init(echo: Bool = false) {
        self.echo = echo
    }

    /// Records (and maybe echoes) a frame.
    package func connection(_ connection: any NacosConnection, didReceive frame: NacosByteBuffer) {
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

    /// Records a writability change.
    package func connection(_ connection: any NacosConnection, writabilityChanged isWritable: Bool) {
        self.state.withLock { $0.writabilityChanges.append(isWritable) }
    }

    /// Records the close.
    package func connectionClosed(_ connection: any NacosConnection, error: (any Error)?) {
        let onLoop = connection.eventLoop.inEventLoop
        self.state.withLock {
            if !onLoop { $0.callbacksOffLoop += 1 }
            $0.closed = true
            $0.closeError = error
            $0.framesAtClose = $0.frames.count
            $0.closeCallbacks += 1
        }
    }

    /// A copy of the state.
    package var snapshot: State { self.state.withLock { $0 } }
    /// The frames so far.
    package var frames: [NacosByteBuffer] { self.state.withLock { $0.frames } }
    /// The number of frames so far.
    package var frameCount: Int { self.state.withLock { $0.frames.count } }
    /// Whether the connection closed.
    package var isClosed: Bool { self.state.withLock { $0.closed } }
    /// Why it closed.
    package var closeError: (any Error)? { self.state.withLock { $0.closeError } }
    /// Callbacks that ran off the connection's event loop (should stay 0).
    package var callbacksOffLoop: Int { self.state.withLock { $0.callbacksOffLoop } }
    /// Writability changes so far.
    package var writabilityChanges: [Bool] { self.state.withLock { $0.writabilityChanges } }

    /// Waits until `count` frames have arrived.
    package func waitForFrames(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [NacosByteBuffer] {
        try await waitUntil(timeout: timeout, "\(count) frames") { self.state.withLock { $0.frames.count >= count } }
        return self.frames
    }

    /// Waits until the connection has closed.
    package func waitForClose(timeout: Duration = .seconds(10)) async throws {
        try await waitUntil(timeout: timeout, "connection close") { self.isClosed }
    }
}

extension Error {
    /// The transport error code, if this is a `NacosTransportError`.
    package var transportCode: NacosTransportError.Code? { (self as? NacosTransportError)?.code }
}
