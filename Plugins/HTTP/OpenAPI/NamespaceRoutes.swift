import NacosNaming
import NacosNamingAPI
import NacosRemote

/// Nacos's console namespace API: v1 `/nacos/v1/console/namespaces` (`{code: 200, message, data}` for
/// reads, a bare `true` for writes) and v2 `/nacos/v2/console/namespace` (the v2 envelope). Every write is
/// committed to the registry's store before it is answered.
struct NamespaceRoutes: Sendable {
    /// The v1 path.
    static let v1Path = "/nacos/v1/console/namespaces"
    /// The v2 path.
    static let v2Path = "/nacos/v2/console/namespace"

    let registry: NamingRegistry

    /// Adds the v1 and v2 routes to `router`.
    func install(into router: inout HTTPRouter) {
        let operations = self.registry.namespaceOperator
        let v1 = Self.v1Path
        let v2 = Self.v2Path

        router.add(.get, v1, OpenAPIResponses.v1 { request in
            let parameters = OpenAPIParameters(request)
            if parameters.optional("checkNamespaceIdExist") == "true" {
                let id = try parameters.required("customNamespaceId")
                return OpenAPIResponses.json { $0.bool(operations.all.contains { $0.id == id }) }
            }
            if let id = parameters.optional("namespaceId"), parameters.optional("show") == "all" {
                let namespace = try operations.namespace(id)
                return OpenAPIResponses.json { Self.write(namespace, services: operations.serviceCount(of: namespace.id), to: &$0) }
            }
            let namespaces = operations.all
            return OpenAPIResponses.json { writer in
                writer.object { json in
                    json.field("code", 200)
                    json.key("message")
                    json.null()
                    json.key("data")
                    json.array { list in
                        for namespace in namespaces { Self.write(namespace, services: operations.serviceCount(of: namespace.id), to: &list) }
                    }
                }
            }
        })
        router.add(.post, v1, OpenAPIResponses.v1 { request in
            let parameters = OpenAPIParameters(request)
            let id = parameters.optional("customNamespaceId").flatMap { $0.isBlank ? nil : $0.trimmingBlanks } ?? Self.generatedId()
            try await operations.create(id: id, name: try parameters.required("namespaceName"), description: parameters.optional("namespaceDesc") ?? "")
            return OpenAPIResponses.json { $0.bool(true) }
        })
        router.add(.put, v1, OpenAPIResponses.v1 { request in
            let parameters = OpenAPIParameters(request)
            try await operations.update(
                id: try parameters.required("namespace"),
                name: try parameters.required("namespaceShowName"),
                description: parameters.optional("namespaceDesc") ?? ""
            )
            return OpenAPIResponses.json { $0.bool(true) }
        })
        router.add(.delete, v1, OpenAPIResponses.v1 { request in
            let parameters = OpenAPIParameters(request)
            try await operations.delete(id: try parameters.required("namespaceId"), force: try parameters.bool("force", default: false))
            return OpenAPIResponses.json { $0.bool(true) }
        })

        router.add(.get, "\(v2)/list", OpenAPIResponses.v2 { _ in
            let namespaces = operations.all
            return { list in
                list.array { list in
                    for namespace in namespaces { Self.write(namespace, services: operations.serviceCount(of: namespace.id), to: &list) }
                }
            }
        })
        router.add(.get, v2, OpenAPIResponses.v2 { request in
            let id = try OpenAPIParameters(request).required("namespaceId")
            let namespace = try Self.coding(.namespaceNotExist) { () throws(NacosException) in try operations.namespace(id) }
            let services = operations.serviceCount(of: namespace.id)
            return { Self.write(namespace, services: services, to: &$0) }
        })
        router.add(.post, v2, OpenAPIResponses.v2 { request in
            let parameters = OpenAPIParameters(request)
            let id = parameters.optional("namespaceId").flatMap { $0.isBlank ? nil : $0.trimmingBlanks } ?? Self.generatedId()
            let name = try parameters.required("namespaceName")
            try await Self.coding(.illegalNamespace) { () async throws(NacosException) in
                try await operations.create(id: id, name: name, description: parameters.optional("namespaceDesc") ?? "")
            }
            return { $0.bool(true) }
        })
        router.add(.put, v2, OpenAPIResponses.v2 { request in
            let parameters = OpenAPIParameters(request)
            let id = try parameters.required("namespaceId")
            let name = try parameters.required("namespaceName")
            try await Self.coding(.illegalNamespace) { () async throws(NacosException) in
                try await operations.update(id: id, name: name, description: parameters.optional("namespaceDesc") ?? "")
            }
            return { $0.bool(true) }
        })
        router.add(.delete, v2, OpenAPIResponses.v2 { request in
            let parameters = OpenAPIParameters(request)
            let id = try parameters.required("namespaceId")
            let force = try parameters.bool("force", default: false)
            try await Self.coding(.illegalNamespace) { () async throws(NacosException) in
                try await operations.delete(id: id, force: force)
            }
            return { $0.bool(true) }
        })
    }

    /// A namespace as Nacos's `Namespace` JSON, with the service count where Nacos shows `configCount`.
    static func write(_ namespace: Namespace, services: Int, to writer: inout NacosJSONWriter) {
        writer.object { json in
            json.field("namespace", namespace.id)
            json.field("namespaceShowName", namespace.name)
            json.field("namespaceDesc", namespace.description)
            json.field("quota", namespace.quota)
            json.field("configCount", 0)
            json.field("serviceCount", services)
            json.field("type", namespace.kind.rawValue)
        }
    }

    /// A new namespace id when none is given: a random UUID, as Nacos makes one.
    static func generatedId() -> String {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { byte in String(byte, radix: 16).count == 1 ? "0" + String(byte, radix: 16) : String(byte, radix: 16) }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }

    private static func coding<Result>(_ code: OpenAPIErrorCode, _ body: () throws(NacosException) -> Result) throws(OpenAPIError) -> Result {
        try OpenAPINamingActions.coding(code, body)
    }

    private static func coding<Result>(_ code: OpenAPIErrorCode, _ body: () async throws(NacosException) -> Result) async throws(OpenAPIError) -> Result {
        try await OpenAPINamingActions.coding(code, body)
    }
}
