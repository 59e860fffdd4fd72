public import NacosNamingAPI
public import NacosRemote

/// Answers a service's current data without subscribing (reference §3.5).
public struct ServiceQueryRequestHandler: NacosRequestHandler {
    private let storage: ServiceStorage
    private let clock: any NacosClock

    /// Creates the handler over the registry's storage.
    public init(storage: ServiceStorage, clock: any NacosClock) {
        self.storage = storage
        self.clock = clock
    }

    /// Builds the ServiceInfo for the requested clusters and health filter.
    public func handle(_ request: ServiceQueryRequest, meta: NacosRequestMeta) async throws -> QueryServiceResponse {
        guard let serviceName = request.serviceName, !serviceName.isBlank else {
            return NamingResponses.invalid(QueryServiceResponse.self, "Param 'serviceName' is required.")
        }
        let service = Service(namespace: request.namespace, group: request.groupName, name: serviceName)
        let info = self.storage.serviceInfo(
            of: service,
            clusters: NamingDefaults.clusterList(request.cluster),
            healthyOnly: request.healthyOnly,
            now: self.clock.nowMillis()
        )
        return QueryServiceResponse(serviceInfo: info)
    }
}
