import NacosAuth
import Testing

@Suite("AuthTokenSigner")
struct AuthTokenSignerTests {
    static let key = Array("0123456789abcdef0123456789abcdef".utf8)
    static let otherKey = Array("fedcba9876543210fedcba9876543210".utf8)
    static let now: Int64 = 1_699_982_000

    /// `header.payload.signature` with the given JSON texts, signed with `key`.
    static func token(header: String, payload: String, key: [UInt8] = Self.key) -> String {
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8))
        return input + "." + Base64URL.encode(AuthCrypto.hmacSHA256(key: key, message: Array(input.utf8)))
    }

    @Test func issuedTokensVerify() {
        let signer = AuthTokenSigner(secretKey: Self.key, ttlSeconds: 18_000)
        let (token, claims) = signer.issue(username: "nacos", now: Self.now)
        #expect(claims == AuthTokenClaims(username: "nacos", expiresAt: Self.now + 18_000))
        #expect(signer.verify(token, now: Self.now) == .success(claims))
        #expect(signer.verify(token, now: Self.now + 17_999) == .success(claims))
    }

    /// The token Nacos's JwtTokenManager issues for the same inputs, computed independently with
    /// python3 -c "import hmac,hashlib,base64; b=lambda x: base64.urlsafe_b64encode(x).rstrip(b'=').decode();
    /// h=b(b'{\"alg\":\"HS256\"}'); p=b(b'{\"sub\":\"nacos\",\"exp\":1700000000}');
    /// print(h+'.'+p+'.'+b(hmac.new(b'0123456789abcdef0123456789abcdef',(h+'.'+p).encode(),hashlib.sha256).digest()))"
    @Test func matchesAnIndependentlyComputedToken() {
        let signer = AuthTokenSigner(secretKey: Self.key, ttlSeconds: 18_000)
        let (token, claims) = signer.issue(username: "nacos", now: 1_700_000_000 - 18_000)
        #expect(claims.expiresAt == 1_700_000_000)
        #expect(token == "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJuYWNvcyIsImV4cCI6MTcwMDAwMDAwMH0._lYkwwTZdhkUmoD79WsvUFa-cZb3Ur3aR06nFo8OeJs")
    }

    @Test func usernamesAreJSONEscaped() {
        let signer = AuthTokenSigner(secretKey: Self.key, ttlSeconds: 60)
        let name = "a\"b\\c\nd\u{01}é"
        let (token, _) = signer.issue(username: name, now: Self.now)
        let payload = Base64URL.decode(String(token.split(separator: ".")[1]))!
        #expect(String(decoding: payload, as: UTF8.self) == #"{"sub":"a\"b\\c\nd\u0001é","exp":1699982060}"#)
        #expect(signer.verify(token, now: Self.now) == .success(AuthTokenClaims(username: name, expiresAt: Self.now + 60)))
    }

    @Test func expiredTokensAreRefused() {
        let signer = AuthTokenSigner(secretKey: Self.key, ttlSeconds: 60)
        let (token, _) = signer.issue(username: "nacos", now: Self.now)
        #expect(signer.verify(token, now: Self.now + 60) == .failure(.expired))
        #expect(signer.verify(token, now: Self.now + 6_000) == .failure(.expired))
        #expect(AuthTokenError.expired.nacosMessage == "token expired!")
    }

    @Test func tokensOfAnotherKeyHaveABadSignature() {
        let signer = AuthTokenSigner(secretKey: Self.key, ttlSeconds: 60)
        let (token, _) = AuthTokenSigner(secretKey: Self.otherKey, ttlSeconds: 60).issue(username: "nacos", now: Self.now)
        #expect(signer.verify(token, now: Self.now) == .failure(.badSignature))
        #expect(AuthTokenError.badSignature.nacosMessage == "token invalid!")
    }

    @Test func thePreviousKeyIsAcceptedOnlyDuringTheOverlap() {
        let (oldToken, claims) = AuthTokenSigner(secretKey: Self.otherKey, ttlSeconds: 3_600).issue(username: "nacos", now: Self.now)
        let signer = AuthTokenSigner(
            secretKey: Self.key, ttlSeconds: 3_600, previousKey: Self.otherKey, previousKeyAcceptedUntil: Self.now + 600
        )
        #expect(signer.verify(oldToken, now: Self.now) == .success(claims))
        #expect(signer.verify(oldToken, now: Self.now + 599) == .success(claims))
        #expect(signer.verify(oldToken, now: Self.now + 600) == .failure(.badSignature))
        // New tokens are signed with the current key only.
        let (newToken, _) = signer.issue(username: "nacos", now: Self.now)
        #expect(AuthTokenSigner(secretKey: Self.key, ttlSeconds: 60).verify(newToken, now: Self.now).map(\.username) == .success("nacos"))
    }

    @Test func aTamperedPayloadHasABadSignature() {
        let signer = AuthTokenSigner(secretKey: Self.key, ttlSeconds: 60)
        let (token, _) = signer.issue(username: "nacos", now: Self.now)
        let parts = token.split(separator: ".").map(String.init)
        let forged = Base64URL.encode(Array(#"{"sub":"admin","exp":1699982060}"#.utf8))
        #expect(signer.verify([parts[0], forged, parts[2]].joined(separator: "."), now: Self.now) == .failure(.badSignature))
    }

    @Test(arguments: [
        "",
        "garbage",
        "a.b",
        "a.b.c.d",
        "eyJhbGciOiJIUzI1NiJ9..sig",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJuYWNvcyJ9.",
        "!!!.???.***",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJuYWNvcyJ9.ab+/",
    ])
    func garbageIsMalformed(token: String) {
        let signer = AuthTokenSigner(secretKey: Self.key, ttlSeconds: 60)
        #expect(signer.verify(token, now: Self.now) == .failure(.malformed))
        #expect(AuthTokenError.malformed.nacosMessage == "token invalid!")
    }

    @Test func headersOtherThanHS256AreMalformed() {
        let signer = AuthTokenSigner(secretKey: Self.key, ttlSeconds: 60)
        let payload = #"{"sub":"nacos","exp":1699982060}"#
        // alg none, with an empty or a valid signature.
        let unsigned = Base64URL.encode(Array(#"{"alg":"none"}"#.utf8)) + "." + Base64URL.encode(Array(payload.utf8)) + "."
        #expect(signer.verify(unsigned, now: Self.now) == .failure(.malformed))
        for header in [#"{"alg":"none"}"#, #"{"alg":"HS512"}"#, #"{"alg":"hs256"}"#, #"{}"#, #"["HS256"]"#, "not json"] {
            #expect(signer.verify(Self.token(header: header, payload: payload), now: Self.now) == .failure(.malformed))
        }
        #expect(signer.verify(Self.token(header: #"{"typ":"JWT","alg":"HS256"}"#, payload: payload), now: Self.now).map(\.username) == .success("nacos"))
    }

    @Test func signedPayloadsWithoutValidClaimsAreMalformed() {
        let signer = AuthTokenSigner(secretKey: Self.key, ttlSeconds: 60)
        let header = #"{"alg":"HS256"}"#
        for payload in [
            #"{"exp":1699982060}"#, #"{"sub":"","exp":1699982060}"#, #"{"sub":7,"exp":1699982060}"#,
            #"{"sub":"nacos"}"#, #"{"sub":"nacos","exp":"1699982060"}"#, #"{"sub":"nacos","exp":1699982060.5}"#,
            #"[1]"#, "nope",
        ] {
            #expect(signer.verify(Self.token(header: header, payload: payload), now: Self.now) == .failure(.malformed))
        }
    }

    @Test func oversizedTokensAreMalformed() {
        let signer = AuthTokenSigner(secretKey: Self.key, ttlSeconds: 60)
        let (token, _) = signer.issue(username: String(repeating: "u", count: 3_700), now: Self.now)
        #expect(token.utf8.count > 4_096)
        #expect(signer.verify(token, now: Self.now) == .failure(.malformed))
        #expect(signer.verify(String(repeating: "a", count: 5_000), now: Self.now) == .failure(.malformed))
    }
}
