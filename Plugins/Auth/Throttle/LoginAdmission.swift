/// Whether `LoginThrottle` lets a login attempt be checked.
public enum LoginAdmission: Sendable, Equatable {
    /// The attempt may go on to check the password.
    case allowed
    /// The attempt is refused without checking the password; retrying earlier than this is refused too.
    case refused(retryAfterSeconds: Int)
}
