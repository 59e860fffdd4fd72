public import NacosRemote

/// Enforces auth on an RPC port, as Nacos's `RemoteRequestAuthFilter`: reads the `accessToken` header (and
/// the server identity header), decides by the port's rule table, and refuses with the handler's own
/// response type, `resultCode` 500, `errorCode` 403 and Nacos's message.
///
/// A connection belongs to the first user whose token it carried: a request on it with another user's
/// token is refused, so one user's ephemeral instances are never changed under another's name. Install it
/// as the port's first filter; with auth off, do not install it at all.
///
/// After an allowed decision, the token's expiry and the user's grants are kept per connection
/// (`ConnectionAuthDecisions`): a later request with the same token, at the same directory generation and
/// before the expiry, is decided from them with one lookup.
public final class AuthRequestFilter: NacosRequestFilter, NacosClientConnectionEventListener {
    /// The header an SDK sends its token in.
    public static let tokenHeader = "accessToken"

    private let manager: AuthManager
    private let rules: [String: RequestAuthRules.Rule]
    private let decisions = ConnectionAuthDecisions()

    /// Creates a filter deciding by `rules` (`RequestAuthRules.clientPort` or `.clusterPort`).
    public init(manager: AuthManager, rules: [String: RequestAuthRules.Rule]) {
        self.manager = manager
        self.rules = rules
    }

    /// A name for logs.
    public var name: String { "auth" }

    /// Decides `request`; `nil` lets it through.
    public func filter(_ request: any NacosRequest, meta: NacosRequestMeta, responseType: any NacosResponse.Type) async throws -> (any NacosResponse)? {
        let refusal = self.refusal(for: request, connectionId: meta.connectionId)
        guard let refusal else { return nil }
        var response = responseType.init()
        response.setErrorInfo(.noRight, message: refusal.message)
        return response
    }

    /// Why `request` on `connectionId` is refused, or `nil` when it may go on.
    public func refusal(for request: any NacosRequest, connectionId: String) -> AuthRefusal? {
        guard self.manager.isEnabled else { return nil }
        let identity = self.manager.serverIdentityKey.flatMap { request.header($0) }
        guard let requirement = RequestAuthRules.requirement(of: request, in: self.rules) else {
            // No rule: only another node may send it.
            if case .success = self.manager.evaluate(.server, token: nil, serverIdentity: identity) { return nil }
            return identity == nil ? .forbidden : .serverIdentity
        }
        let token = request.header(Self.tokenHeader)
        // What is kept is for user tokens only: a server identity is decided without locks, `open` needs
        // nothing, and a request without a token is refused.
        var keepable = identity == nil && token?.isEmpty == false
        if case .open = requirement { keepable = false }
        // Read before deciding, so that nothing is kept under a generation newer than it was read at.
        let generation = keepable ? self.manager.directory.generation : 0
        if keepable, let token,
            let grants = self.decisions.grants(connectionId: connectionId, token: token, generation: generation, now: self.manager.nowSeconds),
            grants.allow(requirement)
        {
            return nil
        }
        // Anything the kept grants do not allow is decided (and counted) in full.
        switch self.manager.evaluate(requirement, token: token, serverIdentity: identity) {
        case .failure(let refusal):
            return refusal
        case .success(.user(let username)):
            var kept: (token: String, expiresAt: Int64, grants: AuthManager.Grants)?
            if keepable, let token, let expiresAt = self.manager.verifiedExpiry(of: token) {
                kept = (token, expiresAt, self.manager.grants(of: username))
            }
            return self.decisions.claim(connectionId, for: username, keeping: kept, generation: generation) ? nil : .forbidden
        case .success:
            return nil
        }
    }

    /// Forgets whose `connectionId` was and what was kept for it.
    func forget(_ connectionId: String) {
        self.decisions.remove(connectionId)
    }

    /// How many connections have an owner (for tests).
    var trackedConnections: Int { self.decisions.count }

    /// Whether a token's grants are kept for `connectionId` (for tests).
    func keepsGrants(_ connectionId: String) -> Bool { self.decisions.keepsGrants(connectionId) }

    /// Nothing to do when a connection registers.
    public func clientConnected(_ connection: NacosServerConnection) throws {}

    /// Forgets the owner and the kept decisions of a closed connection.
    public func clientDisconnected(_ connection: NacosServerConnection) throws {
        self.forget(connection.connectionId)
    }
}
