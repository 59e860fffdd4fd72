/// Liveness and readiness probes for orchestrators: Nacos's `/v1/console/health/*` (plain `OK`) and
/// `/v2/console/health/*` (the envelope). Readiness fails with 503 until the node is ready.
struct ProbeRoutes: Sendable {
    let context: OpenAPIContext

    /// Adds the probe routes to `router`.
    func install(into router: inout HTTPRouter) {
        let context = self.context
        router.add(.get, "/nacos/v1/console/health/liveness") { _ in .text("OK") }
        router.add(.get, "/nacos/v1/console/health/readiness") { _ in
            context.isReady() ? .text("OK") : .text("Nacos is not ready", status: .serviceUnavailable)
        }
        router.add(.get, "/nacos/v2/console/health/liveness") { _ in
            OpenAPIResponses.envelope(status: .ok, code: .success, data: OpenAPIResponses.string("ok"))
        }
        router.add(.get, "/nacos/v2/console/health/readiness") { _ in
            if context.isReady() {
                return OpenAPIResponses.envelope(status: .ok, code: .success, data: OpenAPIResponses.string("ok"))
            }
            return OpenAPIResponses.envelope(OpenAPIError(.serviceUnavailable, .serverError, "Nacos is not ready"))
        }
    }
}
