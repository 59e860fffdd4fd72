import NacosRemote
import NacosTransport

/// Issues and verifies access tokens in the format of Nacos's `JwtTokenManager`: HS256 JWTs whose
/// header is `{"alg":"HS256"}` and whose payload is `{"sub":"<username>","exp":<epoch seconds>}`.
///
/// A previous key may be kept during a key rotation: tokens it signed stay valid until
/// `previousKeyAcceptedUntil`, while new tokens are always signed with the current key.
public struct AuthTokenSigner: Sendable {
    /// The longest token text accepted, in bytes; longer ones are refused before any other work.
    public static let maxTokenLength = 4096

    /// How long an issued token stays valid, in seconds.
    public var ttlSeconds: Int

    private let secretKey: [UInt8]
    private let previousKey: [UInt8]?
    private let previousKeyAcceptedUntil: Int64

    /// The base64url of `{"alg":"HS256"}`, the header of every issued token.
    private static let encodedHeader = Base64URL.encode(Array(#"{"alg":"HS256"}"#.utf8))

    /// Creates a signer with the current `secretKey` (not empty) and, during a rotation, the `previousKey`
    /// accepted for verification while `now < previousKeyAcceptedUntil` (epoch seconds).
    public init(secretKey: [UInt8], ttlSeconds: Int, previousKey: [UInt8]? = nil, previousKeyAcceptedUntil: Int64 = 0) {
        precondition(!secretKey.isEmpty, "AuthTokenSigner needs a non-empty secret key")
        self.secretKey = secretKey
        self.ttlSeconds = ttlSeconds
        self.previousKey = previousKey
        self.previousKeyAcceptedUntil = previousKeyAcceptedUntil
    }

    /// Issues a token for `username` that expires `ttlSeconds` after `now` (epoch seconds).
    public func issue(username: String, now: Int64) -> (token: String, claims: AuthTokenClaims) {
        let claims = AuthTokenClaims(username: username, expiresAt: now + Int64(self.ttlSeconds))
        var writer = NacosJSONWriter(capacity: 64 + username.utf8.count)
        writer.object { object in
            object.field("sub", claims.username)
            object.field("exp", claims.expiresAt)
        }
        let signingInput = Self.encodedHeader + "." + Base64URL.encode(writer.bytes)
        let signature = AuthCrypto.hmacSHA256(key: self.secretKey, message: Array(signingInput.utf8))
        return (signingInput + "." + Base64URL.encode(signature), claims)
    }

    /// Checks `token` at `now` (epoch seconds): its form, its HS256 header, its signature (before any
    /// claim is read), then its `sub` and `exp` claims.
    public func verify(_ token: String, now: Int64) -> Result<AuthTokenClaims, AuthTokenError> {
        let bytes = Array(token.utf8)
        guard bytes.count <= Self.maxTokenLength else { return .failure(.malformed) }
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else { return .failure(.malformed) }
        guard
            let header = Base64URL.decode(String(decoding: parts[0], as: UTF8.self)),
            let payload = Base64URL.decode(String(decoding: parts[1], as: UTF8.self)),
            let signature = Base64URL.decode(String(decoding: parts[2], as: UTF8.self))
        else { return .failure(.malformed) }

        guard let headerObject = Self.parseObject(header), headerObject["alg"] == .string("HS256") else {
            return .failure(.malformed)
        }

        let signingInput = Array(bytes[..<parts[1].endIndex])
        if !AuthCrypto.constantTimeEqual(AuthCrypto.hmacSHA256(key: self.secretKey, message: signingInput), signature) {
            guard
                let previousKey = self.previousKey,
                now < self.previousKeyAcceptedUntil,
                AuthCrypto.constantTimeEqual(AuthCrypto.hmacSHA256(key: previousKey, message: signingInput), signature)
            else { return .failure(.badSignature) }
        }

        guard
            let claims = Self.parseObject(payload),
            case .string(let subject)? = claims["sub"], !subject.isEmpty,
            case .integer(let expiresAt)? = claims["exp"]
        else { return .failure(.malformed) }
        guard expiresAt > now else { return .failure(.expired) }
        return .success(AuthTokenClaims(username: subject, expiresAt: expiresAt))
    }

    /// `bytes` parsed as a JSON object, or `nil` when they are not one.
    private static func parseObject(_ bytes: [UInt8]) -> NacosJSONObject? {
        try? NacosJSONParser.parseObject(NacosByteBuffer(bytes: bytes))
    }
}
