package import NacosHTTP2
package import NacosTransport
package import Synchronization

/// Records one HTTP/2 connection's events, and lets a test drive it on its loop.
package final class HTTP2Recorder: HTTP2ConnectionDelegate, @unchecked Sendable {
    // @unchecked Sendable: every field is touched on the connection's loop, or under `state`.
    package struct Events {
        package var active = false
        package var headers: [UInt32: [[HPACKHeader]]] = [:]
        package var data: [UInt32: [UInt8]] = [:]
        package var ended: Set<UInt32> = []
        package var resets: [UInt32: HTTP2ErrorCode] = [:]
        package var goAway: HTTP2ErrorCode?
        package var closed = false
    }

    package let state = Mutex(Events())

    /// Creates an empty recorder.
    package init() {}
    /// What a server does with a request: answer with the body it received, by default.
    package var onRequestEnd: ((HTTP2Connection, UInt32, [UInt8]) -> Void)?
    package weak var connection: HTTP2Connection?

    package func http2ConnectionActive(_ connection: HTTP2Connection) {
        self.connection = connection
        self.state.withLock { $0.active = true }
    }

    package func http2Connection(_ connection: HTTP2Connection, didReceiveHeaders headers: [HPACKHeader], streamID: UInt32, endStream: Bool) {
        self.state.withLock {
            $0.headers[streamID, default: []].append(headers)
            if endStream { $0.ended.insert(streamID) }
        }
        if endStream { self.onRequestEnd?(connection, streamID, []) }
    }

    package func http2Connection(_ connection: HTTP2Connection, didReceiveData data: NacosByteBuffer, streamID: UInt32, endStream: Bool) {
        let body = self.state.withLock { state -> [UInt8] in
            state.data[streamID, default: []] += data.readableBytesArray
            if endStream { state.ended.insert(streamID) }
            return state.data[streamID] ?? []
        }
        if endStream { self.onRequestEnd?(connection, streamID, body) }
    }

    package func http2Connection(_ connection: HTTP2Connection, streamReset streamID: UInt32, errorCode: HTTP2ErrorCode) {
        self.state.withLock { $0.resets[streamID] = errorCode }
    }

    package func http2Connection(_ connection: HTTP2Connection, didReceiveGoAway lastStreamID: UInt32, errorCode: HTTP2ErrorCode) {
        self.state.withLock { $0.goAway = errorCode }
    }

    package func http2Connection(_ connection: HTTP2Connection, writabilityChanged isWritable: Bool) {}

    package func http2ConnectionClosed(_ connection: HTTP2Connection, error: (any Error)?) {
        self.state.withLock { $0.closed = true }
    }
}

/// Carries a loop-confined connection into a `@Sendable` closure that runs on its loop.
package final class HTTP2Handle: @unchecked Sendable {
    /// The connection, while it lives.
    package weak var connection: HTTP2Connection?
    /// Wraps `connection`.
    package init(_ connection: HTTP2Connection) { self.connection = connection }
}

