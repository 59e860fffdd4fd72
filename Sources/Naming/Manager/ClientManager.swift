/// A store of clients of one kind (Nacos's `ClientManager`).
public protocol ClientManager: Sendable {
    /// The client with `clientId`, or `nil`.
    func client(_ clientId: String) -> (any Client)?
    /// Every client id.
    var allClientIds: [String] { get }
    /// Whether this node is responsible for `client` (it holds the connection, or the ip:port maps here).
    func isResponsible(_ client: any Client) -> Bool
    /// Checks a peer's claim that it holds `clientId` at `revision`; renews the client when it matches.
    func verifyClient(_ clientId: String, revision: Int64, now: Int64) -> Bool
    /// Removes clients that expired at `now`; returns them.
    func removeExpiredClients(now: Int64) -> [any Client]
    /// Removes `clientId`; returns the client, or `nil` when it was unknown.
    func removeClient(_ clientId: String) -> (any Client)?
}
