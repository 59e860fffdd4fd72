public import NacosNamingAPI
public import NacosRemote

/// Registers and deregisters the ephemeral instance of the sending connection (reference §3.1).
public struct InstanceRequestHandler: NacosRequestHandler {
    private let operations: ClientOperationService

    /// Creates the handler over the registry's operations.
    public init(operations: ClientOperationService) {
        self.operations = operations
    }

    /// Applies the request for connection `meta.connectionId`.
    public func handle(_ request: InstanceRequest, meta: NacosRequestMeta) async throws -> InstanceResponse {
        guard let serviceName = request.serviceName, !serviceName.isBlank else {
            return NamingResponses.invalid(InstanceResponse.self, "Param 'serviceName' is required.")
        }
        let service = Service(namespace: request.namespace, group: request.groupName, name: serviceName, ephemeral: true)
        switch request.type {
        case InstanceRequest.registerType:
            guard let instance = request.instance else {
                return NamingResponses.invalid(InstanceResponse.self, "Param 'instance' is required.")
            }
            if let reason = instance.illegalReason {
                return NamingResponses.invalid(InstanceResponse.self, reason)
            }
            do {
                try self.operations.registerInstance(instance, service: service, clientId: meta.connectionId)
            } catch {
                return NamingResponses.failed(InstanceResponse.self, error)
            }
            return InstanceResponse(type: InstanceRequest.registerType)
        case InstanceRequest.deregisterType:
            do {
                try self.operations.deregisterInstance(service: service, clientId: meta.connectionId)
            } catch {
                return NamingResponses.failed(InstanceResponse.self, error)
            }
            return InstanceResponse(type: InstanceRequest.deregisterType)
        default:
            return NamingResponses.invalid(InstanceResponse.self, "Unsupported request type \(request.type ?? "null")")
        }
    }
}
