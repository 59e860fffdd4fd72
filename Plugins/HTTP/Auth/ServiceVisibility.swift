import NacosAuth
import NacosNaming

/// Which services the caller of a list route may see, for routes whose rule is only `authenticated` and
/// that must leave out what the caller may not read (the console's service catalog): everything with auth
/// off, for another node (the right server identity) and for a global administrator; otherwise only the
/// services a permission of the caller's roles lets it read; nothing when the caller is unknown.
enum ServiceVisibility: Sendable {
    /// Every service.
    case all
    /// The services `user` may read, as `auth` decides.
    case readableBy(user: String, auth: AuthManager)
    /// No service (a caller without a valid token, which `AuthorizingResponder` would have refused).
    case none

    /// The visibility of `request`'s caller under `auth` (`nil`: no auth manager, everything visible).
    static func of(_ request: HTTPRequest, auth: AuthManager?) -> ServiceVisibility {
        guard let auth, auth.isEnabled else { return .all }
        if let key = auth.serverIdentityKey, let value = request.headers.values(for: key).first {
            return auth.isServerIdentity(value) ? .all : .none
        }
        guard case .success(let user) = auth.authenticate(AuthorizingResponder.token(of: request)) else { return .none }
        return auth.isGlobalAdmin(user) ? .all : .readableBy(user: user, auth: auth)
    }

    /// Whether the caller may see `service`.
    func allows(_ service: Service) -> Bool {
        switch self {
        case .all:
            return true
        case .none:
            return false
        case .readableBy(let user, let auth):
            return auth.isAllowed(user, .read, AuthResource(namespace: service.namespace, group: service.group, name: service.name))
        }
    }
}
