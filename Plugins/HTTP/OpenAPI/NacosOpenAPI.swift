import NacosAuth
public import NacosTransport
/// The HTTP face of a node: the v1 and v2 naming Open API, the console's catalog and metrics history,
/// the v2 client views, the connection loader, the cluster endpoints, the liveness and readiness probes
/// and Prometheus metrics, installed on one router. In a cluster (`context.forwarding` set) instance writes for which another member is
/// responsible are forwarded to it, as Nacos's `DistroFilter` does.
///
/// ```swift
/// let api = NacosOpenAPI(context: OpenAPIContext(registry: registry, connections: manager, selfAddress: "10.0.0.5:8848"))
/// let server = NacosHTTPServer(transport: transport, responder: api.makeRouter(), logger: logger)
/// ```
public struct NacosOpenAPI: Sendable {
    /// What the endpoints act on.
    public let context: OpenAPIContext
    /// The forwarding of instance writes, with its pooled clients to the other members.
    private let distro: DistroForwarder

    /// Creates the API over `context`.
    public init(context: OpenAPIContext) {
        self.context = context
        self.distro = DistroForwarder(context: context)
    }

    /// Adds every endpoint to `router`.
    public func install(into router: inout HTTPRouter) {
        let actions = OpenAPINamingActions(context: self.context)
        V1NamingRoutes(actions: actions, distro: self.distro).install(into: &router)
        V2NamingRoutes(actions: actions, distro: self.distro).install(into: &router)
        NamespaceRoutes(registry: self.context.registry).install(into: &router)
        CatalogRoutes(context: self.context).install(into: &router)
        MetricsHistoryRoutes(context: self.context).install(into: &router)
        ClusterRoutes(context: self.context).install(into: &router)
        V2ClientRoutes(context: self.context).install(into: &router)
        LoaderRoutes(context: self.context).install(into: &router)
        ProbeRoutes(context: self.context).install(into: &router)
        ServerStateRoutes(context: self.context).install(into: &router)
        MetricsRoutes(context: self.context).install(into: &router)
        if let auth = self.context.auth {
            AuthRoutes(auth: auth).install(into: &router)
        }
    }

    /// A router with every endpoint installed.
    public func makeRouter() -> HTTPRouter {
        var router = HTTPRouter()
        self.install(into: &router)
        return router
    }

    /// What the HTTP server should answer with: the router, behind `AuthorizingResponder` when the
    /// context has an auth manager.
    public func makeResponder(logger: NacosLogger) -> any HTTPResponder {
        let router = self.makeRouter()
        guard let auth = self.context.auth else { return router }
        return AuthorizingResponder(router: router, auth: auth, logger: logger)
    }

    /// Closes the keep-alive connections kept to other members for forwarding (after the HTTP server
    /// stopped; a forward after this opens new ones).
    public func shutdown() async {
        await self.distro.close()
    }
}
