public import NacosTransport

/// The native protocol layer: one `NacosPayload` per length-prefixed transport frame (docs/protocol.md).
public struct NacosNativeProtocol: NacosProtocolLayer {
    /// The name recorded in connection metadata.
    public static let name = "NATIVE"

    /// Creates the layer.
    public init() {}

    /// `NATIVE`.
    public var name: String { Self.name }

    /// A native stream starts with a frame: a 4-byte length (far below `0x50000000`, so never the `P` of
    /// HTTP/2's preface) and then the codec's version byte.
    public func detect(_ prefix: NacosByteBuffer) -> NacosProtocolSniffingHandler.Detection {
        let start = prefix.readerIndex
        guard let first = prefix.getInteger(at: start, as: UInt8.self) else { return .needMoreBytes }
        if first >= 0x50 { return .noMatch }
        guard let version = prefix.getInteger(at: start + 4, as: UInt8.self) else { return .needMoreBytes }
        return version == NacosPayloadCodec.version ? .match : .noMatch
    }

    /// The frame layer of `transport` with a payload connection on top.
    public func makeServerHandler(
        transport: any NacosStreamTransport,
        eventLoop: NacosEventLoop,
        options: NacosProtocolOptions,
        logger: NacosLogger,
        onConnection: @escaping (any NacosPayloadConnection) -> Void
    ) -> any NacosStreamHandler {
        let codec = NacosPayloadCodec(maxHeaderCount: options.maxHeaderCount)
        return transport.makeFramedHandler(eventLoop: eventLoop, logger: logger) { result in
            switch result {
            case .success(let connection):
                onConnection(NativePayloadConnection(connection: connection, codec: codec))
            case .failure(let error):
                logger.debug("an incoming native connection failed before it was established: \(error)")
            }
        }
    }

    /// Connects with the transport's framed `connect`.
    public func connect(
        over transport: any NacosTransport,
        to address: NacosSocketAddress,
        timeout: Duration?,
        options: NacosProtocolOptions,
        logger: NacosLogger
    ) async throws -> any NacosPayloadConnection {
        let connection = try await transport.connect(to: address, timeout: timeout)
        return NativePayloadConnection(connection: connection, codec: NacosPayloadCodec(maxHeaderCount: options.maxHeaderCount))
    }

    /// Wraps a framed connection accepted by `NacosTransport.listen`.
    internal static func wrap(_ connection: any NacosConnection, options: NacosProtocolOptions) -> any NacosPayloadConnection {
        NativePayloadConnection(connection: connection, codec: NacosPayloadCodec(maxHeaderCount: options.maxHeaderCount))
    }
}
