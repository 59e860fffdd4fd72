/// Who a request comes from once its token was verified: a user, or another node of the cluster (the
/// server identity header).
public enum AuthIdentity: Sendable, Hashable {
    /// A logged-in user.
    case user(String)
    /// A cluster member that presented the server identity.
    case server

    /// The user name, or `nil` for a server.
    public var username: String? {
        if case .user(let name) = self { return name }
        return nil
    }
}
