/// The keys of Nacos's auth plugin (`nacos.core.auth.*`) that this server implements.
extension NacosServerConfigurationKey {
    /// The auth keys, in table order.
    static let authKeys: [Self] = [
        Self.bool(
            "nacos.core.auth.enabled", .auth, nacos: true,
            "Whether every request needs a token (POST /nacos/v1/auth/users/login) and a permission; off, as in Nacos, with a warning at start on a non-loopback address.",
            \.auth.enabled
        ),
        Self.text(
            "nacos.core.auth.plugin.nacos.token.secret.key", section: .auth,
            "The HMAC-SHA256 key tokens are signed with, base64, at least 32 bytes decoded (openssl rand -base64 32); required when auth is on.",
            \.auth.secretKey, secret: true
        ),
        Self.text(
            "nacos.core.auth.plugin.nacos.token.secret.key.previous", section: .auth, nacos: false,
            "The key before the last rotation (base64): tokens it signed stay valid for the overlap below, so clients are not logged out at once.",
            \.auth.previousSecretKey, secret: true
        ),
        Self(
            "nacos.core.auth.plugin.nacos.token.secret.key.previous.overlap", type: .duration, section: .auth, nacos: false,
            "How long after start tokens of the previous key are accepted.",
            defaultValue: "(token lifetime)",
            expectation: "a duration such as 30m, or empty for the token lifetime",
            path: \.auth.previousSecretKeyOverlap,
            parse: { text -> Duration?? in
                let trimmed = text.trimmingWhitespace()
                if trimmed.isEmpty { return .some(nil) }
                return ConfigurationValueParser.duration(trimmed, minimum: .zero).map { .some($0) }
            },
            render: { $0.map(ConfigurationValueParser.render) ?? "(token lifetime)" }
        ),
        Self.int(
            "nacos.core.auth.plugin.nacos.token.expire.seconds", .auth, nacos: true, range: 10...31_536_000,
            "How long a token lives, in seconds; SDKs log in again before it ends.",
            \.auth.tokenExpireSeconds
        ),
        Self.text(
            "nacos.core.auth.server.identity.key", section: .auth,
            "The header cluster members send each other (and forwarded HTTP writes carry); required with auth on in cluster mode.",
            \.auth.serverIdentityKey
        ),
        Self.text(
            "nacos.core.auth.server.identity.value", section: .auth,
            "The value of that header; a request with the header and another value is refused.",
            \.auth.serverIdentityValue, secret: true
        ),
        Self.bool(
            "nacos.core.auth.enable.userAgentAuthWhite", .auth, nacos: true,
            "Nacos's user-agent allow-list; refused when true, because any client can send a Nacos user agent.",
            \.auth.userAgentAuthWhite
        ),
        Self.int(
            "nacos.core.auth.plugin.nacos.password.iterations", .auth, nacos: false, range: 10_000...10_000_000,
            "PBKDF2-HMAC-SHA256 iterations of new password hashes (existing hashes keep their own count).",
            \.auth.passwordIterations
        ),
        Self.text(
            "nacos.core.auth.plugin.nacos.admin.initial-password", section: .auth, nacos: false,
            "The password of the first administrator, nacos, created at start when there is no administrator; otherwise POST /nacos/v1/auth/users/admin creates it once.",
            \.auth.initialAdminPassword, secret: true
        ),
        Self.int(
            "nacos.core.auth.login.max-failures-per-ip", .auth, nacos: false, range: 1...100_000,
            "Failed logins allowed from one address per minute (and as a burst); beyond, logins from it get 429.",
            \.auth.loginFailuresPerIP
        ),
        Self.int(
            "nacos.core.auth.login.max-failures-per-user", .auth, nacos: false, range: 1...100_000,
            "Failed logins allowed for one user per minute from addresses that failed before; an address that has not failed is always let try.",
            \.auth.loginFailuresPerUser
        ),
    ]
}
