/// A protocol layer an RPC port can serve and a cluster link can speak.
public enum NacosServerRpcProtocol: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Nacos's gRPC over HTTP/2 (what every Nacos 2.x SDK speaks).
    case grpc
    /// The native length-prefixed frames (docs/protocol.md).
    case native

    /// `grpc` or `native`.
    public var description: String { self.rawValue }
}
