import NacosNaming
import NacosStore

/// Liveness and readiness probes for orchestrators: Nacos's `/v1/console/health/*` (plain `OK`) and
/// `/v2/console/health/*` (the envelope). Readiness fails with 503 until the node is ready, and while its
/// durable store takes no writes (the message names the store and why; reads still serve).
struct ProbeRoutes: Sendable {
    let context: OpenAPIContext

    /// Adds the probe routes to `router`.
    func install(into router: inout HTTPRouter) {
        let context = self.context
        router.add(.get, "/nacos/v1/console/health/liveness") { _ in .text("OK") }
        router.add(.get, "/nacos/v1/console/health/readiness") { _ in
            if let reason = Self.notReady(context) { return .text(reason, status: .serviceUnavailable) }
            return .text("OK")
        }
        router.add(.get, "/nacos/v2/console/health/liveness") { _ in
            OpenAPIResponses.envelope(status: .ok, code: .success, data: OpenAPIResponses.string("ok"))
        }
        router.add(.get, "/nacos/v2/console/health/readiness") { _ in
            if let reason = Self.notReady(context) {
                return OpenAPIResponses.envelope(OpenAPIError(.serviceUnavailable, .serverError, reason))
            }
            return OpenAPIResponses.envelope(status: .ok, code: .success, data: OpenAPIResponses.string("ok"))
        }
    }

    /// Why the node is not ready, or `nil` when it is.
    static func notReady(_ context: OpenAPIContext) -> String? {
        guard context.isReady() else { return "Nacos is not ready" }
        let store = context.registry.store
        let health = store.health
        return health.isAvailable ? nil : "Nacos is not ready: the \(store.kind) store takes no writes (\(health.detail))"
    }
}
