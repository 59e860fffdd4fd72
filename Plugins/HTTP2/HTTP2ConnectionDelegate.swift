public import NacosTransport

/// Receives one HTTP/2 connection's events, on its event loop.
public protocol HTTP2ConnectionDelegate: AnyObject {
    /// The connection is usable: for a server the client preface and first SETTINGS arrived; for a client the
    /// preface and our SETTINGS were sent (streams may be opened at once).
    func http2ConnectionActive(_ connection: HTTP2Connection)

    /// A complete, valid header block for `streamID`: the first opens a peer-initiated stream (or answers
    /// ours), a later one is trailers. Pseudo-header fields are included.
    func http2Connection(_ connection: HTTP2Connection, didReceiveHeaders headers: [HPACKHeader], streamID: UInt32, endStream: Bool)

    /// DATA for `streamID`, padding removed; windows are replenished once it is delivered here.
    func http2Connection(_ connection: HTTP2Connection, didReceiveData data: NacosByteBuffer, streamID: UInt32, endStream: Bool)

    /// The stream ended abnormally (reset by the peer or by us, or the connection is closing with it open);
    /// at most once per stream.
    func http2Connection(_ connection: HTTP2Connection, streamReset streamID: UInt32, errorCode: HTTP2ErrorCode)

    /// The peer sent GOAWAY; our streams above `lastStreamID` are reported reset with REFUSED_STREAM next.
    func http2Connection(_ connection: HTTP2Connection, didReceiveGoAway lastStreamID: UInt32, errorCode: HTTP2ErrorCode)

    /// The connection's outbound writability changed.
    func http2Connection(_ connection: HTTP2Connection, writabilityChanged isWritable: Bool)

    /// The connection closed (`error` nil for an orderly close); every open stream was reported reset before.
    func http2ConnectionClosed(_ connection: HTTP2Connection, error: (any Error)?)
}
