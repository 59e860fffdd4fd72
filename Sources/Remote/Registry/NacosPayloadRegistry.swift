public import NacosTransport

/// Maps payload type names to message types, the analogue of Nacos's `PayloadRegistry`.
///
/// A registry is a value: build it once at start-up (`NacosPayloadRegistry.standard` holds the
/// `internal` module's types; the naming and Distro modules add theirs with `register(_:)`), then share
/// it; lookups take no lock. Requests and responses live in separate tables, so a name may denote both
/// only by mistake of the caller, never by collision.
///
/// Each request registration carries a `clusterOnly` mark: such requests (Distro, membership, loader
/// reports) are accepted only on the cluster port, and a server refuses them on the SDK port.
public struct NacosPayloadRegistry: Sendable {
    /// A registered request type and where it may be invoked from.
    public struct RequestRegistration: Sendable {
        /// The request type.
        public let type: any NacosRequest.Type
        /// Whether the request is accepted only from cluster peers (Nacos's `@InvokeSource` on the handler).
        public let clusterOnly: Bool
    }

    /// The request types Nacos accepts only on the cluster port, whichever module registers them.
    public static let clusterOnlyTypeNames: Set<String> = [
        "DistroDataRequest", "MemberReportRequest", "ServerLoaderInfoRequest", "ServerReloadRequest",
    ]

    private var requests: [String: RequestRegistration] = [:]
    private var responses: [String: any NacosResponse.Type] = [:]

    /// Creates an empty registry.
    public init() {}

    /// A registry holding every message type of the `internal` module (reference §1.3).
    public static var standard: NacosPayloadRegistry {
        var registry = NacosPayloadRegistry()
        let requests: [any NacosRequest.Type] = [
            ServerCheckRequest.self, ConnectionSetupRequest.self, SetupAckRequest.self, HealthCheckRequest.self,
            ClientDetectionRequest.self, ConnectResetRequest.self, ServerLoaderInfoRequest.self,
            ServerReloadRequest.self, PushAckRequest.self,
        ]
        let responses: [any NacosResponse.Type] = [
            ServerCheckResponse.self, SetupAckResponse.self, HealthCheckResponse.self, ClientDetectionResponse.self,
            ConnectResetResponse.self, ServerLoaderInfoResponse.self, ServerReloadResponse.self, ErrorResponse.self,
        ]
        for type in requests { registry.register(type) }
        for type in responses { registry.register(type) }
        return registry
    }

    /// Registers a request type under its `typeName`, replacing an earlier registration of that name.
    ///
    /// - Parameter clusterOnly: whether the request is accepted only from cluster peers; by default,
    ///   whether its name is in `clusterOnlyTypeNames`.
    public mutating func register(_ type: any NacosRequest.Type, clusterOnly: Bool? = nil) {
        let mark = clusterOnly ?? Self.clusterOnlyTypeNames.contains(type.typeName)
        self.requests[type.typeName] = RequestRegistration(type: type, clusterOnly: mark)
    }

    /// Registers a response type under its `typeName`, replacing an earlier registration of that name.
    public mutating func register(_ type: any NacosResponse.Type) {
        self.responses[type.typeName] = type
    }

    /// The registration of the request type named `typeName`, or `nil`.
    public func request(named typeName: String) -> RequestRegistration? {
        self.requests[typeName]
    }

    /// The response type named `typeName`, or `nil`.
    public func responseType(named typeName: String) -> (any NacosResponse.Type)? {
        self.responses[typeName]
    }

    /// Whether `typeName` is a registered request accepted only from cluster peers.
    public func isClusterOnly(_ typeName: String) -> Bool {
        self.requests[typeName]?.clusterOnly ?? false
    }

    /// The names of every registered request type.
    public var requestTypeNames: Set<String> { Set(self.requests.keys) }

    /// The names of every registered response type.
    public var responseTypeNames: Set<String> { Set(self.responses.keys) }

    /// Decodes the JSON `body` of a request of type `typeName`.
    ///
    /// - Throws: `NacosRemoteError` with code `unknownType` when the name is not registered as a request,
    ///   `malformedBody` when the body is not valid JSON for it.
    public func decodeRequest(typeName: String, body: NacosByteBuffer) throws(NacosRemoteError) -> any NacosRequest {
        guard let registration = self.requests[typeName] else {
            throw NacosRemoteError(.unknownType, "unknown request type '\(typeName)'")
        }
        return try NacosJSON.decode(registration.type, from: body)
    }

    /// Decodes the JSON `body` of a response of type `typeName`.
    ///
    /// - Throws: `NacosRemoteError` with code `unknownType` when the name is not registered as a response,
    ///   `malformedBody` when the body is not valid JSON for it.
    public func decodeResponse(typeName: String, body: NacosByteBuffer) throws(NacosRemoteError) -> any NacosResponse {
        guard let type = self.responses[typeName] else {
            throw NacosRemoteError(.unknownType, "unknown response type '\(typeName)'")
        }
        return try NacosJSON.decode(type, from: body)
    }
}
