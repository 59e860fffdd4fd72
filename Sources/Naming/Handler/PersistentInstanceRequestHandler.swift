public import NacosNamingAPI
public import NacosRemote

/// Registers and deregisters persistent instances, kept in memory on this node and health-checked by it
/// (reference §3.3; no Raft group yet, so a standalone node is their single source of truth).
public struct PersistentInstanceRequestHandler: NacosRequestHandler {
    private let operations: ClientOperationService

    /// Creates the handler over the registry's operations.
    public init(operations: ClientOperationService) {
        self.operations = operations
    }

    /// Applies the request.
    public func handle(_ request: PersistentInstanceRequest, meta: NacosRequestMeta) async throws -> InstanceResponse {
        guard let serviceName = request.serviceName, !serviceName.isBlank else {
            return NamingResponses.invalid(InstanceResponse.self, "Param 'serviceName' is required.")
        }
        guard let instance = request.instance else {
            return NamingResponses.invalid(InstanceResponse.self, "Param 'instance' is required.")
        }
        let service = Service(namespace: request.namespace, group: request.groupName, name: serviceName, ephemeral: false)
        switch request.type {
        case InstanceRequest.registerType:
            if let reason = instance.illegalReason {
                return NamingResponses.invalid(InstanceResponse.self, reason)
            }
            do {
                try self.operations.registerPersistentInstance(instance, service: service)
            } catch {
                return NamingResponses.failed(InstanceResponse.self, error)
            }
        case InstanceRequest.deregisterType:
            self.operations.deregisterPersistentInstance(instance, service: service)
        default:
            return NamingResponses.invalid(InstanceResponse.self, "Unsupported request type \(request.type ?? "null")")
        }
        return InstanceResponse(type: request.type)
    }
}
