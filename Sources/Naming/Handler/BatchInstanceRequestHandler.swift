public import NacosNamingAPI
public import NacosRemote

/// Replaces (or trims) the sending connection's batch of instances of a service (reference §3.2).
public struct BatchInstanceRequestHandler: NacosRequestHandler {
    private let operations: ClientOperationService

    /// Creates the handler over the registry's operations.
    public init(operations: ClientOperationService) {
        self.operations = operations
    }

    /// Applies the request for connection `meta.connectionId`.
    public func handle(_ request: BatchInstanceRequest, meta: NacosRequestMeta) async throws -> BatchInstanceResponse {
        guard let serviceName = request.serviceName, !serviceName.isBlank else {
            return NamingResponses.invalid(BatchInstanceResponse.self, "Param 'serviceName' is required.")
        }
        let service = Service(namespace: request.namespace, group: request.groupName, name: serviceName, ephemeral: true)
        let instances = request.instances ?? []
        do {
            switch request.type {
            case BatchInstanceRequest.batchRegisterType:
                if let reason = instances.lazy.compactMap(\.illegalReason).first {
                    return NamingResponses.invalid(BatchInstanceResponse.self, reason)
                }
                try self.operations.batchRegisterInstances(instances, service: service, clientId: meta.connectionId)
            case BatchInstanceRequest.batchDeregisterType:
                try self.operations.batchDeregisterInstances(instances, service: service, clientId: meta.connectionId)
            default:
                return NamingResponses.invalid(BatchInstanceResponse.self, "Unsupported request type \(request.type ?? "null")")
            }
        } catch {
            return NamingResponses.failed(BatchInstanceResponse.self, error)
        }
        return BatchInstanceResponse(type: request.type)
    }
}
