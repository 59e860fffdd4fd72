/// An HTTP request method: the registered ones as constants, any other token as itself.
public struct HTTPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The method token as it appears on the request line (case-sensitive, as RFC 9110 says).
    public let rawValue: String

    /// Wraps a method token.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// `GET`.
    public static let get = HTTPMethod(rawValue: "GET")
    /// `HEAD`.
    public static let head = HTTPMethod(rawValue: "HEAD")
    /// `POST`.
    public static let post = HTTPMethod(rawValue: "POST")
    /// `PUT`.
    public static let put = HTTPMethod(rawValue: "PUT")
    /// `DELETE`.
    public static let delete = HTTPMethod(rawValue: "DELETE")
    /// `PATCH`.
    public static let patch = HTTPMethod(rawValue: "PATCH")
    /// `OPTIONS`.
    public static let options = HTTPMethod(rawValue: "OPTIONS")

    /// The method token.
    public var description: String { self.rawValue }

    /// Whether `token` is a syntactically valid method (an RFC 9110 token: visible ASCII without separators).
    public static func isValidToken(_ token: some Collection<UInt8>) -> Bool {
        guard !token.isEmpty else { return false }
        return token.allSatisfy(HTTPTokenCharacters.contains)
    }
}
