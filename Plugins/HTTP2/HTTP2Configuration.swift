/// Limits and settings of one HTTP/2 connection; every one is configurable.
public struct HTTP2Configuration: Sendable {
    /// SETTINGS_MAX_CONCURRENT_STREAMS we advertise: streams the peer may have open at once; more are refused
    /// with REFUSED_STREAM.
    public var maxConcurrentStreams = 1000
    /// SETTINGS_MAX_FRAME_SIZE we advertise (16384...16777215); a larger frame is a FRAME_SIZE_ERROR.
    public var maxFrameSize = 16_384
    /// SETTINGS_MAX_HEADER_LIST_SIZE we advertise and enforce (RFC 9113 §6.5.2 size).
    public var maxHeaderListSize = 16_384
    /// SETTINGS_HEADER_TABLE_SIZE we advertise: the HPACK table the peer's encoder may use.
    public var headerTableSize = 4096
    /// SETTINGS_INITIAL_WINDOW_SIZE we advertise: what the peer may send on a stream before it waits.
    public var initialStreamWindowSize = 1 << 20
    /// Our connection-level receive window, announced with a WINDOW_UPDATE right after the preface.
    public var connectionWindowSize = 16 << 20
    /// CONTINUATION frames allowed in one header block (a CONTINUATION flood gets ENHANCE_YOUR_CALM).
    public var maxHeaderBlockFragments = 64
    /// Stream resets the peer may cause in a burst before the rapid-reset guard sends ENHANCE_YOUR_CALM.
    public var resetBurst = 200
    /// Stream resets per second the rapid-reset guard allows once the burst is spent.
    public var resetsPerSecond = 100
    /// PINGs the peer may send in a burst before the ping-flood guard sends ENHANCE_YOUR_CALM.
    public var pingBurst = 10
    /// PINGs per second the guard allows once the burst is spent (a peer pinging every second is never refused).
    public var pingsPerSecond = 2
    /// SETTINGS frames the peer may send in a burst before the settings-flood guard sends ENHANCE_YOUR_CALM.
    public var settingsBurst = 10
    /// SETTINGS frames per second the guard allows once the burst is spent.
    public var settingsPerSecond = 2
    /// DATA bytes queued behind flow control on one connection; a send past it fails.
    public var maxBufferedOutboundBytes = 32 << 20
    /// How long a server waits for the client preface and its SETTINGS before closing the connection.
    public var prefaceTimeout: Duration = .seconds(10)

    /// Creates the defaults.
    public init() {}

    /// Checks the values.
    ///
    /// - Throws: `HTTP2ConnectionError` (code INTERNAL_ERROR) naming the offending field.
    public func validate() throws(HTTP2ConnectionError) {
        func fail(_ message: String) -> HTTP2ConnectionError { HTTP2ConnectionError(.internalError, "invalid HTTP/2 configuration: \(message)") }
        let windowRange = 1...Int(Int32.max)
        if self.maxConcurrentStreams < 1 || self.maxConcurrentStreams > Int(Int32.max) { throw fail("maxConcurrentStreams must be in 1...\(Int32.max)") }
        if !(16_384...16_777_215).contains(self.maxFrameSize) { throw fail("maxFrameSize must be in 16384...16777215") }
        if self.maxHeaderListSize < 1024 || self.maxHeaderListSize > Int(Int32.max) { throw fail("maxHeaderListSize must be in 1024...\(Int32.max)") }
        if self.headerTableSize < 0 || self.headerTableSize > Int(Int32.max) { throw fail("headerTableSize must be in 0...\(Int32.max)") }
        if !windowRange.contains(self.initialStreamWindowSize) { throw fail("initialStreamWindowSize must be in 1...\(Int32.max)") }
        if self.connectionWindowSize < 65_535 || self.connectionWindowSize > Int(Int32.max) { throw fail("connectionWindowSize must be in 65535...\(Int32.max)") }
        if self.maxHeaderBlockFragments < 1 { throw fail("maxHeaderBlockFragments must be positive") }
        if self.resetBurst < 1 || self.resetsPerSecond < 1 { throw fail("resetBurst and resetsPerSecond must be positive") }
        if self.pingBurst < 1 || self.pingsPerSecond < 1 { throw fail("pingBurst and pingsPerSecond must be positive") }
        if self.settingsBurst < 1 || self.settingsPerSecond < 1 { throw fail("settingsBurst and settingsPerSecond must be positive") }
        if self.maxBufferedOutboundBytes < 1 { throw fail("maxBufferedOutboundBytes must be positive") }
        if self.prefaceTimeout <= .zero { throw fail("prefaceTimeout must be positive") }
    }
}
