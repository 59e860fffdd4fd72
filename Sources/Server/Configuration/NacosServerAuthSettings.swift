/// Authentication and authorization with Nacos's `nacos.core.auth.*` keys: off by default, as in Nacos;
/// on, every request needs a token and the node needs a secret key.
public struct NacosServerAuthSettings: Sendable, Equatable {
    /// Whether requests must carry a token (`nacos.core.auth.enabled`).
    public var enabled = false
    /// The base64 HMAC key tokens are signed with, at least 32 bytes decoded.
    public var secretKey: String?
    /// The key before the last rotation (base64); its tokens are accepted for `previousSecretKeyOverlap`.
    public var previousSecretKey: String?
    /// How long after start tokens signed by `previousSecretKey` are accepted; `nil` is the token lifetime.
    public var previousSecretKeyOverlap: Duration?
    /// Token lifetime in seconds.
    public var tokenExpireSeconds = 18_000
    /// The header cluster members identify each other with.
    public var serverIdentityKey: String?
    /// Its value.
    public var serverIdentityValue: String?
    /// Nacos's user-agent allow-list (`nacos.core.auth.enable.userAgentAuthWhite`): accepted as a key,
    /// refused when true, since any client can claim a user agent.
    public var userAgentAuthWhite = false
    /// PBKDF2-HMAC-SHA256 iterations of new password hashes.
    public var passwordIterations = 310_000
    /// The first administrator's password, used at start when there is no administrator.
    public var initialAdminPassword: String?
    /// Failed logins allowed from one address per minute (and as a burst).
    public var loginFailuresPerIP = 10
    /// Failed logins allowed for one user per minute (and as a burst) from addresses that failed before.
    public var loginFailuresPerUser = 20

    /// Auth off.
    public init() {}
}
