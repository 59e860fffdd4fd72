/// The generic failure response: dispatch errors (300, 301, 302, 502), handler failures and client errors.
public struct ErrorResponse: NacosCommonFieldsResponse, Equatable {
    /// The payload type name, `"ErrorResponse"`.
    public static let typeName = "ErrorResponse"

    /// 200 on success, 500 on failure.
    public var resultCode: Int = NacosResponseCode.success
    /// The Nacos error code of a failure; 0 on success.
    public var errorCode: Int = 0
    /// A failure explanation, or `nil`.
    public var message: String?
    /// The id of the server push this response answers, or `nil`.
    public var requestId: String?

    /// Creates a successful response with every field at its default.
    public init() {}

    /// A dispatch failure as Java's `ErrorResponse.build(code, message)` makes it: `resultCode` 500 and
    /// `errorCode` = `code`.
    public static func build(code: NacosErrorCode, message: String?) -> ErrorResponse {
        var response = ErrorResponse()
        response.setErrorInfo(code, message: message)
        return response
    }

    /// A handler failure as Java's `ErrorResponse.build(Throwable)` makes it for a `NacosException`:
    /// `resultCode` and `errorCode` both set to `code`.
    public static func build(failureCode code: NacosErrorCode, message: String?) -> ErrorResponse {
        var response = ErrorResponse()
        response.resultCode = code.rawValue
        response.errorCode = code.rawValue
        response.message = message
        return response
    }
}
