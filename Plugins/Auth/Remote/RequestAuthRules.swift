import NacosNamingAPI
public import NacosRemote

/// What each request type needs on the client port and on the cluster port when auth is on, as Nacos's
/// `@Secured` annotations on its handlers say. A type without a rule is refused, so a handler added
/// without one fails closed (and the rule table test names it).
public enum RequestAuthRules {
    /// How a request type's requirement is read off a request.
    public enum Rule: Sendable {
        /// The same requirement for every request of the type.
        case fixed(AuthRequirement)
        /// `action` on the service the naming request names.
        case service(AuthAction)
        /// `action` on every service of the group the naming request names (service lists).
        case group(AuthAction)
    }

    /// The rules of the client (SDK) port, by request type name.
    public static let clientPort: [String: Rule] = [
        "ServerCheckRequest": .fixed(.open),
        "ConnectionSetupRequest": .fixed(.open),
        "HealthCheckRequest": .fixed(.open),
        "InstanceRequest": .service(.write),
        "BatchInstanceRequest": .service(.write),
        "PersistentInstanceRequest": .service(.write),
        "SubscribeServiceRequest": .service(.read),
        "ServiceQueryRequest": .service(.read),
        "ServiceListRequest": .group(.read),
    ]

    /// The rules of the cluster port: only the handshake is open; everything else needs the server
    /// identity (Nacos's inner API).
    public static let clusterPort: [String: Rule] = [
        "ServerCheckRequest": .fixed(.open),
        "ConnectionSetupRequest": .fixed(.open),
        "HealthCheckRequest": .fixed(.open),
    ]

    /// The requirement of `request` under `rules`; `nil` when its type has no rule.
    public static func requirement(of request: any NacosRequest, in rules: [String: Rule]) -> AuthRequirement? {
        guard let rule = rules[request.typeName] else { return nil }
        switch rule {
        case .fixed(let requirement):
            return requirement
        case .service(let action):
            guard let naming = request as? any NamingRequest else { return .admin }
            return .resource(action, AuthResource.service(namespace: naming.namespace, group: naming.groupName, name: naming.serviceName))
        case .group(let action):
            guard let naming = request as? any NamingRequest else { return .admin }
            let group = naming.groupName.flatMap { $0.isEmpty ? nil : $0 } ?? NamingDefaults.group(nil)
            return .resource(action, AuthResource(namespace: naming.namespace ?? "", group: group, name: "*"))
        }
    }
}
