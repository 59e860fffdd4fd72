/// How a node authenticates and authorizes, with Nacos's `nacos.core.auth.*` defaults.
public struct AuthConfiguration: Sendable {
    /// Whether requests must carry a token (`nacos.core.auth.enabled`, off as in Nacos).
    public var enabled = false
    /// The HMAC key tokens are signed with, at least `minimumSecretKeyBytes` long
    /// (`nacos.core.auth.plugin.nacos.token.secret.key`, base64).
    public var secretKey: [UInt8] = []
    /// How long a token lives (`nacos.core.auth.plugin.nacos.token.expire.seconds`, 18000).
    public var tokenTTLSeconds = 18_000
    /// The key tokens were signed with before the last rotation; tokens it signed are accepted for
    /// `previousSecretKeyOverlapSeconds` after the node starts.
    public var previousSecretKey: [UInt8]?
    /// How long after start tokens of `previousSecretKey` are accepted (defaults to the token lifetime,
    /// after which every such token has expired anyway).
    public var previousSecretKeyOverlapSeconds: Int?
    /// The header name cluster members identify each other with (`nacos.core.auth.server.identity.key`).
    public var serverIdentityKey = ""
    /// That header's value (`nacos.core.auth.server.identity.value`).
    public var serverIdentityValue = ""
    /// PBKDF2-HMAC-SHA256 iterations for new password hashes.
    public var passwordIterations = PasswordHasher.defaultIterations
    /// The password of the first administrator (`nacos`), created at start when no administrator exists;
    /// `nil` leaves that to `POST /nacos/v1/auth/users/admin`.
    public var initialAdminPassword: String?
    /// Login attempt limits.
    public var throttle = LoginThrottleConfiguration()
    /// Verified tokens remembered, so that a token is checked once per lifetime, not per request.
    public var tokenCacheCapacity = 65_536
    /// Password checks that may wait for the hashing threads before further logins are refused.
    public var maxPendingLogins = 64

    /// The shortest secret key accepted: 256 bits, as HS256 needs.
    public static let minimumSecretKeyBytes = 32
    /// The user name of the first administrator, as Nacos's.
    public static let adminUsername = "nacos"

    /// A configuration with auth off.
    public init() {}
}
