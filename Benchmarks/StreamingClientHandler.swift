import NacosTransport

/// The load generator of the stream scenario: sends large frames for as long as the connection is
/// writable and resumes when it becomes writable again, so at most about the high watermark is queued.
final class StreamingClientHandler: NacosConnectionHandler, @unchecked Sendable {
    // Sendable: every mutable field is touched only on the connection's loop (the recorder's loop).

    /// Bytes sent per loop turn before yielding to the loop's other work.
    private static let bytesPerTurn = 1024 * 1024

    private let recorder: LoadRecorder
    private let frame: NacosByteBuffer
    private var connection: (any NacosConnection)?
    /// Guards against re-entry: `send` may report writability changes synchronously.
    private var pumping = false

    init(recorder: LoadRecorder, frame: NacosByteBuffer) {
        self.recorder = recorder
        self.frame = frame
    }

    /// Starts streaming; call it on the loop after `start(_:)`.
    func startLoad(on connection: any NacosConnection) {
        self.recorder.loop.assertOnLoop()
        self.connection = connection
        self.pump()
    }

    private func pump() {
        guard let connection = self.connection, !self.pumping else { return }
        self.pumping = true
        defer { self.pumping = false }
        // When the peer keeps up, the connection never stops being writable: send a bounded batch, then
        // queue the next batch behind the loop's other work (socket events, the benchmark's own tasks).
        var budget = Self.bytesPerTurn
        while !self.recorder.stopping && connection.isWritable && connection.isOpen {
            guard budget > 0 else {
                connection.eventLoop.execute { self.pump() }
                return
            }
            connection.send(self.frame)
            self.recorder.completed(count: self.frame.readableBytes)
            budget -= max(1, self.frame.readableBytes)
        }
    }

    func connection(_ connection: any NacosConnection, didReceive frame: NacosByteBuffer) {
        self.recorder.fail("connection \(connection.id): unexpected frame of \(frame.readableBytes) bytes on a one-way stream")
    }

    func connection(_ connection: any NacosConnection, writabilityChanged isWritable: Bool) {
        if isWritable { self.pump() }
    }

    func connectionClosed(_ connection: any NacosConnection, error: (any Error)?) {
        self.recorder.fail("connection \(connection.id) closed during the stream: \(error.map { "\($0)" } ?? "orderly close")")
    }
}
