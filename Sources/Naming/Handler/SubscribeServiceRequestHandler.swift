public import NacosNamingAPI
public import NacosRemote

/// Subscribes or unsubscribes the sending connection and answers the service's current data
/// (reference §3.4); the service need not exist.
public struct SubscribeServiceRequestHandler: NacosRequestHandler {
    private let operations: ClientOperationService
    private let storage: ServiceStorage
    private let clock: any NacosClock

    /// Creates the handler over the registry's operations and storage.
    public init(operations: ClientOperationService, storage: ServiceStorage, clock: any NacosClock) {
        self.operations = operations
        self.storage = storage
        self.clock = clock
    }

    /// Applies the request for connection `meta.connectionId`.
    public func handle(_ request: SubscribeServiceRequest, meta: NacosRequestMeta) async throws -> SubscribeServiceResponse {
        guard let serviceName = request.serviceName, !serviceName.isBlank else {
            return NamingResponses.invalid(SubscribeServiceResponse.self, "Param 'serviceName' is required.")
        }
        let service = Service(namespace: request.namespace, group: request.groupName, name: serviceName, ephemeral: true)
        let subscriber = Subscriber(
            address: meta.clientIp,
            agent: meta.clientVersion,
            app: request.header("app") ?? meta.labels[NacosConnectionMeta.appNameLabel] ?? "unknown",
            ip: meta.clientIp,
            namespace: service.namespace,
            groupedServiceName: service.groupedServiceName,
            clusters: request.clusters
        )
        do {
            if request.subscribe {
                try self.operations.subscribeService(service, subscriber: subscriber, clientId: meta.connectionId)
            } else {
                try self.operations.unsubscribeService(service, clientId: meta.connectionId)
            }
        } catch {
            return NamingResponses.failed(SubscribeServiceResponse.self, error)
        }
        var response = SubscribeServiceResponse()
        response.message = "success"
        response.serviceInfo = self.storage.serviceInfo(
            of: service,
            clusters: NamingDefaults.clusterList(request.clusters),
            healthyOnly: false,
            now: self.clock.nowMillis()
        )
        return response
    }
}
