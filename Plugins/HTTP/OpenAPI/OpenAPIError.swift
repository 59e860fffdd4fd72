public import NacosRemote

/// A failed Open API call: the HTTP status, the v2 error code (Nacos's `api.model.v2.ErrorCode`) and a
/// message for the caller.
///
/// v1 endpoints answer with the status and the message as plain text; v2 endpoints wrap the same in the
/// `{code, message, data}` envelope, with the code's abstract as `message` and this message as `data`.
public struct OpenAPIError: Error, Sendable, CustomStringConvertible {
    /// The HTTP status.
    public var status: HTTPStatus
    /// The v2 error code.
    public var code: OpenAPIErrorCode
    /// What went wrong, for the caller.
    public var message: String

    /// Creates an error.
    public init(_ status: HTTPStatus, _ code: OpenAPIErrorCode, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// A missing required parameter, with Nacos's v1 text (`Param 'x' is required.`).
    public static func missing(_ name: String) -> OpenAPIError {
        OpenAPIError(.badRequest, .parameterMissing, "Param '\(name)' is required.")
    }

    /// A parameter whose value is not acceptable.
    public static func invalid(_ message: String) -> OpenAPIError {
        OpenAPIError(.badRequest, .parameterValidateError, message)
    }

    /// Translates a registry error: the Nacos code becomes the HTTP status, as Nacos's exception handlers
    /// do (400, 403, 404, 409, 502, 503 — a limit such as the overlay count; any other code is a 500).
    public init(_ exception: NacosException) {
        let code = exception.errorCode.rawValue
        switch code {
        case 400:
            self.init(.badRequest, .parameterValidateError, exception.message)
        case 403:
            self.init(.forbidden, .accessDenied, exception.message)
        case 404:
            self.init(.notFound, .resourceNotFound, exception.message)
        case 409:
            self.init(.conflict, .parameterValidateError, exception.message)
        case 502:
            self.init(.badGateway, .serverError, exception.message)
        case 503:
            self.init(.serviceUnavailable, .serverError, exception.message)
        default:
            self.init(.internalServerError, .serverError, exception.message)
        }
    }

    /// The message.
    public var description: String { self.message }
}
