/// Whether this end of an HTTP/2 connection accepted it or opened it.
public enum HTTP2Role: Sendable, Hashable {
    /// The end that accepted the connection (it waits for the client preface).
    case server
    /// The end that opened the connection (it sends the preface and opens odd-numbered streams).
    case client
}
