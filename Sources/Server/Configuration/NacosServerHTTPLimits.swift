/// Limits of the HTTP port, as plain values that the wiring hands to the HTTP protocol layer.
public struct NacosServerHTTPLimits: Sendable, Equatable {
    /// The most bytes of request line plus headers one request may carry (16 KiB).
    public var maxHeaderBytes: Int = 16 * 1024
    /// The most bytes of body one request may carry (10 MiB).
    public var maxBodyBytes: Int = 10 * 1024 * 1024
    /// How long a request may take from its first byte to its response (30 s).
    public var requestTimeout: Duration = .seconds(30)
    /// How long a keep-alive connection may sit without a request before it is closed (60 s).
    public var idleTimeout: Duration = .seconds(60)
    /// The most HTTP connections open at once (10,000).
    public var maxConnections: Int = 10_000
    /// The most requests one connection may send ahead of their responses (16).
    public var maxPipelinedRequests: Int = 16
    /// Whether the port serves the web console at `/nacos/` (on, as Nacos's `nacos.console.ui.enabled`).
    public var consoleEnabled = true

    /// Creates the default limits.
    public init() {}
}
