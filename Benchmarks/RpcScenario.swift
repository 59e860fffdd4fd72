/// One measured RPC workload: its kind, how many clients it connects and how many requests each keeps in flight.
struct RpcScenario: Sendable, Hashable, CustomStringConvertible {
    /// The shape of the load.
    enum Kind: String, Sendable, Hashable, CaseIterable {
        /// One `NacosRpcClient`, one HealthCheckRequest in flight.
        case healthSingle = "health-single"
        /// Many clients, one HealthCheckRequest in flight each.
        case healthConcurrent = "health-concurrent"
        /// Many clients; the server pushes ClientDetectionRequest to each, one in flight per connection.
        case push
        /// Many clients; the server keeps several ClientDetectionRequests in flight per connection.
        case pushPipelined = "push-pipelined"

        /// The kinds run when `--scenarios` is not given (the pipelined push is opt-in).
        static let defaults: [Kind] = [.healthSingle, .healthConcurrent, .push]

        /// Whether the server drives the load (pushes) rather than the clients (unary calls).
        var isPush: Bool { self == .push || self == .pushPipelined }
    }

    /// The shape of the load.
    let kind: Kind
    /// Clients connected (one connection each).
    let connections: Int
    /// Requests in flight per connection.
    let inFlight: Int

    /// `64 clients x 1 in flight`.
    var description: String {
        let clients = self.connections == 1 ? "1 client" : "\(self.connections) clients"
        return "\(clients) x \(self.inFlight) in flight"
    }
}
