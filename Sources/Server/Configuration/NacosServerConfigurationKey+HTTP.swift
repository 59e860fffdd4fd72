/// The keys of the HTTP section: limits of the HTTP port.
extension NacosServerConfigurationKey {
    /// The keys of the HTTP section, in table order.
    static let httpKeys: [Self] = [
        Self.bytes(
            "server.max-http-header-size", .http, nacos: true, range: 1024...(1024 * 1024),
            "The most bytes of request line plus headers one request may carry (Spring's name; its default is 8KB).",
            \.http.maxHeaderBytes
        ),
        Self.bytes(
            "nacos.http.max-body-size", .http, nacos: false, range: 0...(1024 * 1024 * 1024),
            "The most bytes of body one request may carry; larger requests are refused.",
            \.http.maxBodyBytes
        ),
        Self.duration(
            "nacos.http.request-timeout", .http, nacos: false,
            "How long a request may take from its first byte to its response.",
            \.http.requestTimeout
        ),
        Self.duration(
            "nacos.http.idle-timeout", .http, nacos: false,
            "How long a keep-alive connection may wait for its next request before it is closed.",
            \.http.idleTimeout
        ),
        Self.int(
            "nacos.http.max-connections", .http, nacos: false, range: 1...Int.max,
            "The most HTTP connections open at once; more are closed as soon as they are accepted.",
            \.http.maxConnections
        ),
        Self.int(
            "nacos.http.max-pipelined-requests", .http, nacos: false, range: 1...Int.max,
            "The most requests one connection may send ahead of their responses.",
            \.http.maxPipelinedRequests
        ),
        Self.bool(
            "nacos.console.ui.enabled", .http, nacos: true,
            "Whether the HTTP port serves the web console at /nacos/ (it uses only the public HTTP API).",
            \.http.consoleEnabled
        ),
    ]
}
