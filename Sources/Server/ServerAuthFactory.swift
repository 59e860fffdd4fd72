import Foundation
import NacosAuth

/// Builds the auth layer's configuration from the server's `nacos.core.auth.*` settings.
enum ServerAuthFactory {
    /// The auth configuration of `settings` (already validated: keys decode and are long enough).
    static func configuration(_ settings: NacosServerAuthSettings) -> AuthConfiguration {
        var auth = AuthConfiguration()
        auth.enabled = settings.enabled
        auth.secretKey = settings.secretKey.flatMap(Self.decodeKey) ?? []
        auth.previousSecretKey = settings.previousSecretKey.flatMap(Self.decodeKey)
        auth.previousSecretKeyOverlapSeconds = settings.previousSecretKeyOverlap.map { Int($0.components.seconds) }
        auth.tokenTTLSeconds = settings.tokenExpireSeconds
        auth.serverIdentityKey = settings.serverIdentityKey ?? ""
        auth.serverIdentityValue = settings.serverIdentityValue ?? ""
        auth.passwordIterations = settings.passwordIterations
        auth.initialAdminPassword = settings.initialAdminPassword
        auth.throttle.failuresPerIPBurst = settings.loginFailuresPerIP
        auth.throttle.failuresPerIPPerMinute = settings.loginFailuresPerIP
        auth.throttle.failuresPerUserBurst = settings.loginFailuresPerUser
        auth.throttle.failuresPerUserPerMinute = settings.loginFailuresPerUser
        return auth
    }

    /// The bytes of a base64 key (standard or URL alphabet, padding optional), or `nil`.
    static func decodeKey(_ text: String) -> [UInt8]? {
        var base64 = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map { Array($0) }
    }
}
