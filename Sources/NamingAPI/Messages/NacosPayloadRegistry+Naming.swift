public import NacosRemote

extension NacosPayloadRegistry {
    /// The request types of the `naming` module (reference §1.3).
    public static let namingRequestTypes: [any NacosRequest.Type] = [
        InstanceRequest.self, BatchInstanceRequest.self, PersistentInstanceRequest.self, SubscribeServiceRequest.self,
        ServiceQueryRequest.self, ServiceListRequest.self, NotifySubscriberRequest.self,
    ]

    /// The response types of the `naming` module (reference §1.3).
    public static let namingResponseTypes: [any NacosResponse.Type] = [
        InstanceResponse.self, BatchInstanceResponse.self, SubscribeServiceResponse.self, QueryServiceResponse.self,
        ServiceListResponse.self, NotifySubscriberResponse.self,
    ]

    /// The `internal` module's types (`standard`) plus the `naming` module's.
    public static var naming: NacosPayloadRegistry {
        var registry = NacosPayloadRegistry.standard
        registry.registerNaming()
        return registry
    }

    /// Adds the `naming` module's request and response types.
    public mutating func registerNaming() {
        for type in Self.namingRequestTypes { self.register(type) }
        for type in Self.namingResponseTypes { self.register(type) }
    }
}
