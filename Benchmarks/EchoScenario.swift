/// One measured workload: its kind, how many connections it opens and how many requests each keeps in flight.
struct EchoScenario: Sendable, Hashable, CustomStringConvertible {
    /// The shape of the load.
    enum Kind: String, Sendable, Hashable, CaseIterable {
        /// One connection, one request in flight.
        case single
        /// Many connections, one request in flight each.
        case concurrent
        /// Many connections, many requests in flight each.
        case pipelined
        /// One connection streaming large frames one way.
        case stream
    }

    /// The shape of the load.
    let kind: Kind
    /// Connections opened by the load generator.
    let connections: Int
    /// Requests in flight per connection (0 for the one-way stream).
    let inFlight: Int

    /// `64 connections x 1 in flight`, or `1 connection, one-way stream`.
    var description: String {
        let connections = self.connections == 1 ? "1 connection" : "\(self.connections) connections"
        return self.kind == .stream ? "\(connections), one-way stream" : "\(connections) x \(self.inFlight) in flight"
    }
}
