/// Why a login failed.
public enum AuthLoginError: Error, Sendable, Equatable {
    /// Unknown user or wrong password (one answer for both, as Nacos's `user not found!`).
    case badCredentials
    /// Too many failed logins from this address or for this user; retry after the given seconds.
    case throttled(retryAfterSeconds: Int)
    /// Too many logins are waiting for a password check.
    case busy

    /// The message sent back.
    public var message: String {
        switch self {
        case .badCredentials: "user not found!"
        case .throttled(let seconds): "too many failed logins, retry in \(seconds) s"
        case .busy: "too many logins in progress, retry later"
        }
    }
}
