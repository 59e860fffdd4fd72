import NacosRemote
import NacosTransport

/// An access token from a login: the token, how long the server said it lives, when and where it was got.
struct NamingAccessToken: Sendable, Equatable {
    /// The token sent as header `accessToken`.
    var accessToken: String
    /// The lifetime the server announced (`tokenTtl`, in seconds; 18000 when absent).
    var ttlSeconds: Int64
    /// When the login answered, in the service clock's milliseconds.
    var loggedInAtMillis: Int64
    /// The login address that issued it.
    var server: NacosSocketAddress

    /// How long after the login the token is renewed: `ttl − max(10 s, ttl / 10)` (the Python SDK renews
    /// 10 s early, Java within the last tenth), but at least 1 s.
    static func renewalDelay(ttlSeconds: Int64) -> Duration {
        let ttl = max(ttlSeconds, 0) * 1000
        let window = max(10_000, ttl / 10)
        return .milliseconds(max(ttl - window, 1000))
    }

    /// The token's renewal delay.
    var renewalDelay: Duration { Self.renewalDelay(ttlSeconds: self.ttlSeconds) }

    /// When it is due for renewal, in the service clock's milliseconds.
    var renewalDueMillis: Int64 { self.loggedInAtMillis + self.renewalDelay.wholeMilliseconds }

    /// Reads a login answer's JSON body (`{"accessToken":"…","tokenTtl":18000,…}`).
    ///
    /// - Throws: `NacosRemoteError` for a body that is not such an object or has no `accessToken`.
    static func parse(_ body: [UInt8], loggedInAtMillis: Int64, server: NacosSocketAddress) throws -> NamingAccessToken {
        let object = try NacosJSONParser.parseObject(NacosByteBuffer(bytes: body))
        guard let token = try object.string("accessToken"), !token.isEmpty else {
            throw NacosRemoteError(.malformedBody, "the login answer has no accessToken")
        }
        let ttl = try object.integer("tokenTtl", as: Int64.self) ?? 18_000
        return NamingAccessToken(accessToken: token, ttlSeconds: ttl, loggedInAtMillis: loggedInAtMillis, server: server)
    }
}
