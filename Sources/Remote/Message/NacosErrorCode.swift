/// A Nacos error code as carried in a response's `errorCode` (and, for handler failures, `resultCode`).
///
/// The values are those of the Java SDK's `NacosException`; the struct is extensible, so a code this
/// package does not name still round-trips.
public struct NacosErrorCode: RawRepresentable, Sendable, Hashable, Codable, ExpressibleByIntegerLiteral,
    CustomStringConvertible
{
    /// The numeric code sent on the wire.
    public var rawValue: Int

    /// Creates a code from its numeric value.
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Creates a code from an integer literal.
    public init(integerLiteral value: Int) { self.rawValue = value }

    /// The server is not fully started (300, `INVALID_SERVER_STATUS`).
    public static let invalidServerStatus: NacosErrorCode = 300
    /// The connection is not registered, or no longer (301, `UN_REGISTER`).
    public static let unregister: NacosErrorCode = 301
    /// No handler is registered for the request's type (302, `NO_HANDLER`).
    public static let noHandler: NacosErrorCode = 302
    /// A request parameter is missing or invalid (400, `INVALID_PARAM`).
    public static let invalidParam: NacosErrorCode = 400
    /// The caller lacks the permission the request needs (403, `NO_RIGHT`).
    public static let noRight: NacosErrorCode = 403
    /// The requested resource does not exist (404, `NOT_FOUND`).
    public static let notFound: NacosErrorCode = 404
    /// The server failed while handling the request (500, `SERVER_ERROR`).
    public static let serverError: NacosErrorCode = 500
    /// The request could not be parsed or was refused at the gateway (502, `BAD_GATEWAY`).
    public static let badGateway: NacosErrorCode = 502
    /// A rate limit was exceeded (503, `OVER_THRESHOLD`).
    public static let overThreshold: NacosErrorCode = 503
    /// The client's connection went away (-401, `CLIENT_DISCONNECT`).
    public static let clientDisconnect: NacosErrorCode = -401
    /// The client failed while handling a server request (-500, `CLIENT_ERROR`).
    public static let clientError: NacosErrorCode = -500

    /// The Java constant name for the known codes, else the number.
    public var description: String {
        switch self.rawValue {
        case 300: "INVALID_SERVER_STATUS(300)"
        case 301: "UN_REGISTER(301)"
        case 302: "NO_HANDLER(302)"
        case 400: "INVALID_PARAM(400)"
        case 403: "NO_RIGHT(403)"
        case 404: "NOT_FOUND(404)"
        case 500: "SERVER_ERROR(500)"
        case 502: "BAD_GATEWAY(502)"
        case 503: "OVER_THRESHOLD(503)"
        case -401: "CLIENT_DISCONNECT(-401)"
        case -500: "CLIENT_ERROR(-500)"
        default: "\(self.rawValue)"
        }
    }

    /// Decodes the code from a JSON integer.
    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(Int.self)
    }

    /// Encodes the code as a JSON integer.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.rawValue)
    }
}
