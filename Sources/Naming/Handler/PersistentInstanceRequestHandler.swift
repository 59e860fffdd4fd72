public import NacosNamingAPI
public import NacosRemote

/// Registers and deregisters persistent instances (reference §3.3): each is committed to the registry's
/// store before it is answered, and health-checked by the node responsible for its address.
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
                try await self.operations.registerPersistentInstance(instance, service: service)
            } catch {
                return NamingResponses.failed(InstanceResponse.self, error)
            }
        case InstanceRequest.deregisterType:
            do {
                try await self.operations.deregisterPersistentInstance(instance, service: service)
            } catch {
                return NamingResponses.failed(InstanceResponse.self, error)
            }
        default:
            return NamingResponses.invalid(InstanceResponse.self, "Unsupported request type \(request.type ?? "null")")
        }
        return InstanceResponse(type: request.type)
    }
}
