extension FramedConnection {
    /// Opens a framed connection over `transport`'s raw streams: the frame layer is the stream's handler,
    /// and the call returns once the stream is active (for TLS, handshaken).
    static func connect(
        over transport: some NacosStreamTransport,
        to address: NacosSocketAddress,
        timeout: Duration?,
        configuration: NacosTransportConfiguration,
        logger: NacosLogger
    ) async throws -> any NacosConnection {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<any NacosConnection, any Error>) in
            do {
                try transport.connectStream(to: address, timeout: timeout) { loop in
                    FramedConnection(eventLoop: loop, configuration: configuration, logger: logger) { result in
                        continuation.resume(with: result.map { $0 as any NacosConnection })
                    }
                }
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }
}
