public import NacosAuth
import NacosNamingAPI
public import NacosTransport

/// The Open API behind Nacos's `AuthFilter`: with auth on, every routed request is checked against
/// `OpenAPIAccessRules` before its handler runs, and refused with `403` and Nacos's message.
///
/// The token is read from `Authorization: Bearer …`, the `accessToken` header, or the `accessToken`
/// query or form parameter. A request carrying the server identity header with the right value is
/// another node's and allowed; with a wrong value, or a forwarded write without it, it is refused.
public struct AuthorizingResponder: HTTPResponder {
    private let router: HTTPRouter
    private let auth: AuthManager
    private let logger: NacosLogger

    /// Guards `router` with `auth`.
    public init(router: HTTPRouter, auth: AuthManager, logger: NacosLogger) {
        self.router = router
        self.auth = auth
        self.logger = logger
    }

    /// Checks `request`, then hands it to the router.
    public func respond(to request: HTTPRequest) async -> HTTPResponse {
        guard self.auth.isEnabled else { return await self.router.respond(to: request) }
        let path = HTTPRouter.normalized(request.path)
        guard let rule = OpenAPIAccessRules.rule(request.method, path) else {
            guard self.router.hasRoute(request.method, path) else { return await self.router.respond(to: request) }
            self.logger.error("auth: route \(request.method) \(path) has no auth rule; refused")
            return Self.refusal(.forbidden)
        }
        let identity = self.auth.serverIdentityKey.flatMap { request.headers.values(for: $0).first }
        if identity == nil, request.headers.contains(name: DistroForwarder.forwardedHeader) {
            _ = self.auth.evaluate(.server, token: nil, serverIdentity: nil)
            return Self.refusal(.serverIdentity)
        }
        let requirement = OpenAPIAccessRules.requirement(rule, of: request)
        switch self.auth.evaluate(requirement, token: Self.token(of: request), serverIdentity: identity) {
        case .failure(let refusal):
            return Self.refusal(refusal)
        case .success:
            return await self.router.respond(to: request)
        }
    }

    /// The access token `request` carries, if any.
    public static func token(of request: HTTPRequest) -> String? {
        for value in request.headers.values(for: "Authorization") {
            let trimmed = value.trimmingBlanks
            if trimmed.count > 7, trimmed.prefix(7).lowercased() == "bearer " { return String(trimmed.dropFirst(7)).trimmingBlanks }
        }
        if let header = request.headers.values(for: AuthRequestFilter.tokenHeader).first, !header.isEmpty { return header }
        if let parameter = request.parameters[AuthRequestFilter.tokenHeader], !parameter.isEmpty { return parameter }
        return nil
    }

    private static func refusal(_ refusal: AuthRefusal) -> HTTPResponse {
        .text(refusal.message, status: .forbidden)
    }
}
