public import NacosHTTP2

/// Limits and identity of Nacos's gRPC protocol layer, for servers and clients alike.
public struct NacosGRPCConfiguration: Sendable {
    /// The HTTP/2 connection's settings and limits (streams, frames, header lists, windows, flood guards).
    public var http2 = HTTP2Configuration()
    /// The largest gRPC message accepted, in bytes (Nacos: 10 MiB, `nacos.remote.server.grpc.maxinbound.message.size`);
    /// a larger one fails its call with RESOURCE_EXHAUSTED.
    public var maxMessageSize = 10 * 1024 * 1024
    /// The `:scheme` a client sends: `http`, or `https` over TLS.
    public var scheme = "http"
    /// The `user-agent` a client sends.
    public var userAgent = "grpc-swift-nacos/0.1"

    /// Creates the defaults.
    public init() {}

    /// Checks the values.
    ///
    /// - Throws: `NacosGRPCConfigurationError` naming the offending field, or the HTTP/2 configuration's error.
    public func validate() throws {
        try self.http2.validate()
        guard self.maxMessageSize > 0, self.maxMessageSize <= Int(UInt32.max) else {
            throw NacosGRPCConfigurationError(message: "maxMessageSize must be in 1...\(UInt32.max), got \(self.maxMessageSize)")
        }
        guard self.scheme == "http" || self.scheme == "https" else {
            throw NacosGRPCConfigurationError(message: "scheme must be http or https, got '\(self.scheme)'")
        }
    }
}

/// A `NacosGRPCConfiguration` value that cannot work.
public struct NacosGRPCConfigurationError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var message: String

    /// `invalid gRPC configuration: …`.
    public var description: String { "invalid gRPC configuration: \(self.message)" }
}
