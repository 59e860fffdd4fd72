import NacosTransport

/// The load generator of the echo scenarios: keeps `inFlight` requests outstanding on one connection,
/// sending the next request from the callback that delivers a response.
final class RoundTripClientHandler: NacosConnectionHandler, @unchecked Sendable {
    // Sendable: every mutable field is touched only on the connection's loop (the recorder's loop).

    private let recorder: LoadRecorder
    private let payload: NacosByteBuffer
    private let inFlight: Int
    /// Latency is measured only with one request in flight, where a response answers the last request.
    private let measuresLatency: Bool
    private var sentAt: UInt64 = 0

    init(recorder: LoadRecorder, payload: NacosByteBuffer, inFlight: Int) {
        self.recorder = recorder
        self.payload = payload
        self.inFlight = inFlight
        self.measuresLatency = inFlight == 1
    }

    /// Sends the first `inFlight` requests; call it on the loop after `start(_:)`.
    func startLoad(on connection: any NacosConnection) {
        self.recorder.loop.assertOnLoop()
        self.sentAt = MonotonicClock.nanoseconds()
        for _ in 0..<self.inFlight {
            connection.send(self.payload)
        }
    }

    func connection(_ connection: any NacosConnection, didReceive frame: NacosByteBuffer) {
        guard frame.readableBytes == self.payload.readableBytes else {
            self.recorder.fail("connection \(connection.id): echo of \(frame.readableBytes) bytes, expected \(self.payload.readableBytes)")
            return
        }
        if self.measuresLatency {
            let now = MonotonicClock.nanoseconds()
            self.recorder.completed(latencyNanoseconds: now &- self.sentAt)
            self.sentAt = now
        } else {
            self.recorder.completed()
        }
        guard !self.recorder.stopping else { return }
        connection.send(self.payload)
    }

    func connectionClosed(_ connection: any NacosConnection, error: (any Error)?) {
        self.recorder.fail("connection \(connection.id) closed during the load: \(error.map { "\($0)" } ?? "orderly close")")
    }
}
