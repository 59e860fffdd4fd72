import NacosRemote

/// A naming request that failed, told apart by whether the server refused it (the redo record is dropped)
/// or could not be reached (the record stays and redo re-sends it once connected).
enum NamingRequestFailure: Error, CustomStringConvertible {
    /// The server answered with an error.
    case rejected(NacosException)
    /// No answer: not connected, timed out, connection lost, or a transient server state (300, 301, 503, -401).
    case unreachable(any Error)

    /// Sorts an error thrown by `NacosRpcClient.request(_:expecting:timeout:)`.
    static func classify(_ error: any Error) -> NamingRequestFailure {
        if let failure = error as? NamingRequestFailure { return failure }
        guard let exception = error as? NacosException else { return .unreachable(error) }
        switch exception.errorCode {
        case .invalidServerStatus, .unregister, .overThreshold, .clientDisconnect: return .unreachable(exception)
        default: return .rejected(exception)
        }
    }

    /// Whether the server refused the request.
    var isRejection: Bool {
        if case .rejected = self { return true }
        return false
    }

    /// The error the public API throws: the server's `NacosException`, or a 500 naming the transport failure as Java does.
    var publicError: NacosException {
        switch self {
        case .rejected(let exception): exception
        case .unreachable(let exception as NacosException): exception
        case .unreachable(let error): NacosException(.serverError, "Request nacos server failed: \(error)")
        }
    }

    /// The public error.
    var description: String { self.publicError.description }

    /// The error the public API throws for any error: a `NacosException` as it is, anything else classified.
    static func publicError(_ error: any Error) -> NacosException {
        if let exception = error as? NacosException { return exception }
        return Self.classify(error).publicError
    }
}
