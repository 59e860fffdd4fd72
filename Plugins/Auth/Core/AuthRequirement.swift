/// What a route or request type needs before it is handled, when auth is on.
public enum AuthRequirement: Sendable, Hashable {
    /// Nothing: login, probes, the connection handshake.
    case open
    /// Any logged-in user.
    case authenticated
    /// A user with a permission allowing `action` on the resource the request names.
    case resource(AuthAction, AuthResource)
    /// A global administrator (`ROLE_ADMIN`).
    case admin
    /// Another node of the cluster (the server identity header).
    case server
}
