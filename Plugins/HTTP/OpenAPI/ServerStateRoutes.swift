import NacosAuth
import NacosRemote

/// Nacos's `/v1/console/server/state`: what the console needs before it signs in — the server's version,
/// whether it runs standalone, and whether auth is on (so the console shows its login page first).
struct ServerStateRoutes: Sendable {
    /// The route's path.
    static let path = "/nacos/v1/console/server/state"

    let context: OpenAPIContext

    /// Adds the state route to `router`.
    func install(into router: inout HTTPRouter) {
        let context = self.context
        router.add(.get, Self.path) { _ in
            let authEnabled = context.auth?.isEnabled ?? false
            return OpenAPIResponses.json { writer in
                writer.object { json in
                    json.field("version", context.serverVersion)
                    json.field("standalone_mode", context.forwarding == nil ? "standalone" : "cluster")
                    json.field("function_mode", "naming")
                    json.field("auth_enabled", authEnabled ? "true" : "false")
                    json.field("login_page_enabled", authEnabled ? "true" : "false")
                    json.field("console_ui_enabled", "true")
                }
            }
        }
    }
}
