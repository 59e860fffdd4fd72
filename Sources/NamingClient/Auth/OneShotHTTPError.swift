/// Why a one-shot HTTP exchange (`OneShotHTTPClient`) failed: the stream could not be opened or closed
/// early, the response was malformed or too large, or it did not come within the timeout.
struct OneShotHTTPError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, for logs and the login error's message.
    let message: String

    /// Creates an error with `message`.
    init(_ message: String) {
        self.message = message
    }

    /// The message.
    var description: String { self.message }
}
