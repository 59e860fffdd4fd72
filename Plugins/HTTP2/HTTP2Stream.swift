import NacosTransport

/// One stream's state in an `HTTP2Connection` (RFC 9113 §5.1) with its flow-control windows and the
/// frames queued behind them.
internal struct HTTP2Stream {
    /// What still waits to be sent on the stream, in order.
    enum Outbound {
        case data(NacosByteBuffer, endStream: Bool, completion: NacosWriteCompletion?)
        case headers([HPACKHeader], endStream: Bool)
    }

    /// Whether we may still send on it.
    var localOpen = true
    /// Whether the peer may still send on it.
    var remoteOpen = true
    /// Whether the peer's first header block arrived (a later one is trailers).
    var receivedHeaders = false
    /// What we may still send before the peer's WINDOW_UPDATE.
    var sendWindow: Int
    /// What the peer may still send before our WINDOW_UPDATE.
    var receiveWindow: Int
    /// DATA bytes received and delivered but not yet returned with WINDOW_UPDATE.
    var unacknowledged = 0
    /// Frames waiting for window (or behind waiting DATA).
    var queue: [Outbound] = []
    /// Whether END_STREAM has been queued (nothing may follow it).
    var endQueued = false

    /// Whether both directions are closed.
    var isClosed: Bool { !self.localOpen && !self.remoteOpen }
}
