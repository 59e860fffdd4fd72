/// Limits and timeouts shared by the transports; every field has Nacos's default or a safe bound.
public struct NacosTransportConfiguration: Sendable {
    /// The largest frame payload accepted or sent, in bytes (Nacos: 10 MiB). Larger length headers close
    /// the connection before anything is buffered.
    public var maxFrameLength: Int = 10 * 1024 * 1024
    /// Outbound queued bytes above which a connection reports itself not writable.
    public var writeBufferHighWatermark: Int = 1024 * 1024
    /// Outbound queued bytes below which a connection becomes writable again.
    public var writeBufferLowWatermark: Int = 256 * 1024
    /// Outbound queued bytes above which writes fail with `.writeBufferFull` (a hard memory bound per
    /// connection, for peers that never read).
    public var maxPendingWriteBytes: Int = 32 * 1024 * 1024
    /// How long a connect may take before it fails with `.connectTimeout`.
    public var connectTimeout: Duration = .seconds(3)
    /// How long a flushing close waits for a peer to take queued bytes before closing anyway.
    public var closeFlushTimeout: Duration = .seconds(5)
    /// The size of each read from a socket, in bytes.
    public var readChunkSize: Int = 64 * 1024
    /// The listen backlog.
    public var listenBacklog: Int = 1024
    /// The most connections one listener keeps open at once; further ones are accepted and closed at once.
    public var maxConnectionsPerListener: Int = 100_000

    /// Creates a configuration with the defaults.
    public init() {}

    /// Checks that the values are consistent.
    ///
    /// - Throws: `NacosTransportError` with code `.invalidConfiguration`, naming the offending field.
    public func validate() throws(NacosTransportError) {
        func fail(_ message: String) -> NacosTransportError { NacosTransportError(.invalidConfiguration, "invalid transport configuration: \(message)") }
        if self.maxFrameLength <= 0 || self.maxFrameLength > Int(UInt32.max) {
            throw fail("maxFrameLength must be in 1...\(UInt32.max)")
        }
        if self.writeBufferLowWatermark < 0 || self.writeBufferLowWatermark > self.writeBufferHighWatermark {
            throw fail("writeBufferLowWatermark must be in 0...writeBufferHighWatermark")
        }
        if self.maxPendingWriteBytes < self.writeBufferHighWatermark {
            throw fail("maxPendingWriteBytes must be at least writeBufferHighWatermark")
        }
        if self.readChunkSize < 512 { throw fail("readChunkSize must be at least 512") }
        if self.listenBacklog < 1 { throw fail("listenBacklog must be positive") }
        if self.maxConnectionsPerListener < 1 { throw fail("maxConnectionsPerListener must be positive") }
    }
}
