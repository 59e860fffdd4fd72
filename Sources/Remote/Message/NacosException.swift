/// A failure with a Nacos error code, thrown by handlers and returned to callers: the analogue of Java's
/// `NacosException`.
///
/// A handler that throws it produces `ErrorResponse` with `resultCode` and `errorCode` both set to
/// `errorCode` (reference §1.4 step 7); `NacosRpcClient` throws it for a failed response.
public struct NacosException: Error, Sendable, Equatable, CustomStringConvertible {
    /// The Nacos error code (400 invalid parameter, 403 no right, 503 over threshold, …).
    public var errorCode: NacosErrorCode
    /// A human-readable explanation.
    public var message: String

    /// Creates an exception with a code and a message.
    public init(_ errorCode: NacosErrorCode, _ message: String) {
        self.errorCode = errorCode
        self.message = message
    }

    /// `errCode: <code>, errMsg: <message>`, as Java formats it.
    public var description: String { "errCode: \(self.errorCode.rawValue), errMsg: \(self.message)" }
}
