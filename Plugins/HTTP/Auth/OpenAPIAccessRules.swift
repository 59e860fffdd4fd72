public import NacosAuth

/// What every Open API route needs when auth is on, by method and path, as Nacos's `@Secured`
/// annotations say, and stricter where Nacos leaves a route open: operator, loader, cluster and client
/// views are for administrators, namespace writes too. A routed pair without a rule is refused (and the
/// rule table test names it).
public enum OpenAPIAccessRules {
    /// How a route's requirement is read off a request.
    public enum Rule: Sendable, Equatable {
        /// Nothing needed: login, probes, metrics.
        case open
        /// Any logged-in user.
        case authenticated
        /// A global administrator.
        case admin
        /// `action` on the service the parameters name (`namespaceId`, `groupName`, `serviceName`).
        case service(AuthAction)
        /// `action` on every service of the group the parameters name.
        case group(AuthAction)
    }

    /// The rules, keyed `METHOD path`.
    public static let table: [String: Rule] = Self.build()

    /// The rule of `method` on `path` (normalized; `HEAD` reads `GET`'s), or `nil`.
    public static func rule(_ method: HTTPMethod, _ path: String) -> Rule? {
        Self.table["\(method == .head ? HTTPMethod.get.rawValue : method.rawValue) \(path)"]
    }

    /// The requirement of `request` whose rule is `rule`.
    public static func requirement(_ rule: Rule, of request: HTTPRequest) -> AuthRequirement {
        switch rule {
        case .open: return .open
        case .authenticated: return .authenticated
        case .admin: return .admin
        case .service(let action):
            let parameters = request.parameters
            return .resource(action, AuthResource.service(namespace: parameters["namespaceId"], group: parameters["groupName"], name: parameters["serviceName"]))
        case .group(let action):
            let parameters = request.parameters
            let group = parameters["groupName"].flatMap { $0.isEmpty ? nil : $0 } ?? "DEFAULT_GROUP"
            return .resource(action, AuthResource(namespace: parameters["namespaceId"] ?? "", group: group, name: "*"))
        }
    }

    private static func build() -> [String: Rule] {
        var table: [String: Rule] = [:]
        func add(_ methods: [HTTPMethod], _ path: String, _ rule: Rule) {
            for method in methods { table["\(method.rawValue) \(path)"] = rule }
        }
        let writes: [HTTPMethod] = [.post, .put, .patch, .delete]
        for prefix in ["/nacos/v1/ns", "/nacos/v2/ns"] {
            add(writes, "\(prefix)/instance", .service(.write))
            add([.get], "\(prefix)/instance", .service(.read))
            add([.get], "\(prefix)/instance/list", .service(.read))
            add([.put], "\(prefix)/instance/beat", .service(.write))
            add([.put], "\(prefix)/health/instance", .service(.write))
            add([.post, .put, .delete], "\(prefix)/service", .service(.write))
            add([.get], "\(prefix)/service", .service(.read))
            add([.get], "\(prefix)/service/list", .group(.read))
            add([.get], "\(prefix)/operator/metrics", .admin)
            add([.get, .put], "\(prefix)/operator/switches", .admin)
        }
        add([.put], "/nacos/v1/ns/health", .service(.write))
        add([.put], "/nacos/v1/ns/cluster", .service(.write))
        add([.get], "/nacos/v1/ns/service/subscribers", .service(.read))
        // The console's catalog: the service list answers only the services the caller may read.
        add([.get], "/nacos/v1/ns/catalog/services", .authenticated)
        add([.get], "/nacos/v1/ns/catalog/instances", .service(.read))
        add([.get], "/nacos/v1/console/metrics/history", .authenticated)
        for prefix in ["/nacos/v1/ns/operator", "/nacos/v1/ns/ops"] {
            add([.get], "\(prefix)/metrics", .admin)
            add([.get, .put], "\(prefix)/switches", .admin)
            add([.get], "\(prefix)/distro/client", .admin)
        }
        for path in ["/nacos/v1/console/namespaces", "/nacos/v2/console/namespace"] {
            add([.get], path, .authenticated)
            add([.post, .put, .delete], path, .admin)
        }
        add([.get], "/nacos/v2/console/namespace/list", .authenticated)
        for path in [
            "/nacos/v1/core/cluster/nodes", "/nacos/v1/core/cluster/self", "/nacos/v2/core/cluster/node/list",
            "/nacos/v2/core/cluster/node/self", "/nacos/v2/ns/client/list", "/nacos/v2/ns/client",
            "/nacos/v2/ns/client/publish/list", "/nacos/v2/ns/client/subscribe/list", "/nacos/v2/ns/client/service/publisher/list",
            "/nacos/v2/ns/client/service/subscriber/list", "/nacos/v2/core/loader/current", "/nacos/v2/core/loader/reloadCurrent",
            "/nacos/v2/core/loader/reloadClient", "/nacos/v2/core/loader/cluster", "/nacos/v2/core/loader/smartReloadCluster",
        ] {
            add([.get], path, .admin)
        }
        for path in [
            "/nacos/v1/console/health/liveness", "/nacos/v1/console/health/readiness", "/nacos/v2/console/health/liveness",
            "/nacos/v2/console/health/readiness", "/nacos/actuator/prometheus", "/metrics", "/nacos/v1/console/server/state",
        ] {
            add([.get], path, .open)
        }
        // The auth API itself.
        add([.post], "/nacos/v1/auth/users/login", .open)
        add([.post], "/nacos/v1/auth/login", .open)
        add([.post], "/nacos/v1/auth/users/admin", .open)
        add([.get, .post, .delete], "/nacos/v1/auth/users", .admin)
        add([.put], "/nacos/v1/auth/users", .authenticated)
        add([.get], "/nacos/v1/auth/users/search", .admin)
        add([.get, .post, .delete], "/nacos/v1/auth/roles", .admin)
        add([.get], "/nacos/v1/auth/roles/search", .admin)
        add([.get, .post, .delete], "/nacos/v1/auth/permissions", .admin)
        return table
    }
}
