import NacosGRPC
import NacosRemote

/// The protocol layer a benchmark's clients speak to a server that serves both.
enum BenchmarkProtocol: String, CaseIterable, Sendable {
    /// The native length-prefixed frames.
    case native
    /// Nacos's gRPC over HTTP/2.
    case grpc

    /// The client's protocol layer.
    var layer: any NacosProtocolLayer {
        switch self {
        case .native: NacosNativeProtocol()
        case .grpc: NacosGRPCProtocol()
        }
    }

    /// What a benchmark server serves: gRPC and native on one port, as nacos-server's client port does.
    static let serverLayers: [any NacosProtocolLayer] = [NacosGRPCProtocol(), NacosNativeProtocol()]

    /// Parses `native`, `grpc` or `all`.
    static func parse(_ text: String) -> [BenchmarkProtocol]? {
        text == "all" ? Self.allCases : Self(rawValue: text).map { [$0] }
    }
}
