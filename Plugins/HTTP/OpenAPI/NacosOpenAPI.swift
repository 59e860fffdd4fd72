/// The HTTP face of a node: the v1 and v2 naming Open API, the v2 client views, the connection loader,
/// the liveness and readiness probes and Prometheus metrics, installed on one router.
///
/// ```swift
/// let api = NacosOpenAPI(context: OpenAPIContext(registry: registry, connections: manager, selfAddress: "10.0.0.5:8848"))
/// let server = NacosHTTPServer(transport: transport, responder: api.makeRouter(), logger: logger)
/// ```
public struct NacosOpenAPI: Sendable {
    /// What the endpoints act on.
    public let context: OpenAPIContext

    /// Creates the API over `context`.
    public init(context: OpenAPIContext) {
        self.context = context
    }

    /// Adds every endpoint to `router`.
    public func install(into router: inout HTTPRouter) {
        let actions = OpenAPINamingActions(context: self.context)
        V1NamingRoutes(actions: actions).install(into: &router)
        V2NamingRoutes(actions: actions).install(into: &router)
        V2ClientRoutes(context: self.context).install(into: &router)
        LoaderRoutes(context: self.context).install(into: &router)
        ProbeRoutes(context: self.context).install(into: &router)
        MetricsRoutes(context: self.context).install(into: &router)
    }

    /// A router with every endpoint installed.
    public func makeRouter() -> HTTPRouter {
        var router = HTTPRouter()
        self.install(into: &router)
        return router
    }
}
