public import NacosRemote
public import NacosTransport

/// Nacos's gRPC as a protocol layer of NacosRemote: `/Request/request` for unary calls and
/// `/BiRequestStream/requestBiStream` for the set-up and server pushes, over HTTP/2 with Nacos's protobuf
/// `Payload` whose body is the same JSON the native protocol carries (shared/docs/nacos-reference.md §1).
///
/// A server port lists it beside `NacosNativeProtocol` to serve both (`NacosRpcServerConfiguration.protocols`);
/// a client picks it as its `NacosRpcClientConfiguration.protocolLayer`.
public struct NacosGRPCProtocol: NacosProtocolLayer {
    /// The name recorded in connection metadata, as Nacos records it.
    public static let name = "GRPC"

    /// The HTTP/2 connection's client preface, which every gRPC stream starts with.
    public static let clientPreface: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    /// The layer's limits and identity.
    public var configuration: NacosGRPCConfiguration

    /// Creates the layer.
    public init(configuration: NacosGRPCConfiguration = NacosGRPCConfiguration()) {
        self.configuration = configuration
    }

    /// `GRPC`.
    public var name: String { Self.name }

    /// A gRPC stream starts with the HTTP/2 client preface.
    public func detect(_ prefix: NacosByteBuffer) -> NacosProtocolSniffingHandler.Detection {
        let count = min(prefix.readableBytes, Self.clientPreface.count)
        guard let bytes = prefix.getBytes(at: prefix.readerIndex, length: count) else { return .needMoreBytes }
        guard bytes.elementsEqual(Self.clientPreface.prefix(count)) else { return .noMatch }
        return count == Self.clientPreface.count ? .match : .needMoreBytes
    }

    /// An HTTP/2 server connection whose streams are Nacos's gRPC calls.
    public func makeServerHandler(
        transport: any NacosStreamTransport,
        eventLoop: NacosEventLoop,
        options: NacosProtocolOptions,
        logger: NacosLogger,
        onConnection: @escaping (any NacosPayloadConnection) -> Void
    ) -> any NacosStreamHandler {
        GRPCServerPayloadConnection.makeHandler(
            eventLoop: eventLoop,
            configuration: self.configuration,
            options: options,
            logger: logger,
            onConnection: onConnection
        )
    }

    /// Opens an HTTP/2 connection to `address` (prior knowledge; over TLS the transport offers ALPN `h2`).
    ///
    /// - Throws: `NacosRemoteError(.invalidConfiguration)` for a transport without raw streams, the
    ///   configuration's error, or the transport's connect error.
    public func connect(
        over transport: any NacosTransport,
        to address: NacosSocketAddress,
        timeout: Duration?,
        options: NacosProtocolOptions,
        logger: NacosLogger
    ) async throws -> any NacosPayloadConnection {
        guard let streams = transport as? any NacosStreamTransport else {
            throw NacosRemoteError(.invalidConfiguration, "gRPC needs a transport with raw streams (TCP, TLS, in-memory)")
        }
        return try await GRPCClientPayloadConnection.connect(
            over: streams,
            to: address,
            timeout: timeout,
            configuration: self.configuration,
            options: options,
            logger: logger
        )
    }
}
