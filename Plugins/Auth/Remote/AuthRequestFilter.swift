public import NacosRemote
import Synchronization

/// Enforces auth on an RPC port, as Nacos's `RemoteRequestAuthFilter`: reads the `accessToken` header (and
/// the server identity header), decides by the port's rule table, and refuses with the handler's own
/// response type, `resultCode` 500, `errorCode` 403 and Nacos's message.
///
/// A connection belongs to the first user whose token it carried: a request on it with another user's
/// token is refused, so one user's ephemeral instances are never changed under another's name. Install it
/// as the port's first filter; with auth off, do not install it at all.
public final class AuthRequestFilter: NacosRequestFilter, NacosClientConnectionEventListener {
    /// The header an SDK sends its token in.
    public static let tokenHeader = "accessToken"

    private let manager: AuthManager
    private let rules: [String: RequestAuthRules.Rule]
    private let owners = Mutex<[String: String]>([:])

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
        switch self.manager.evaluate(requirement, token: request.header(Self.tokenHeader), serverIdentity: identity) {
        case .failure(let refusal):
            return refusal
        case .success(.user(let username)):
            return self.claim(connectionId, for: username) ? nil : .forbidden
        case .success:
            return nil
        }
    }

    /// Binds `connectionId` to `username` on its first authenticated request; `false` when it belongs to
    /// another user.
    private func claim(_ connectionId: String, for username: String) -> Bool {
        self.owners.withLock { owners in
            if let owner = owners[connectionId] { return owner == username }
            owners[connectionId] = username
            return true
        }
    }

    /// Nothing to do when a connection registers.
    public func clientConnected(_ connection: NacosServerConnection) throws {}

    /// Forgets the owner of a closed connection.
    public func clientDisconnected(_ connection: NacosServerConnection) throws {
        _ = self.owners.withLock { $0.removeValue(forKey: connection.connectionId) }
    }
}
