import NacosAuth
import Testing

@Suite("AuthCrypto")
struct AuthCryptoTests {
    /// The bytes of a hex string.
    static func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
    }

    /// RFC 4231 §4.2, test case 1.
    @Test func hmacSHA256MatchesRFC4231TestCase1() {
        let mac = AuthCrypto.hmacSHA256(key: [UInt8](repeating: 0x0B, count: 20), message: Array("Hi There".utf8))
        #expect(mac == Self.bytes(hex: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"))
    }

    /// RFC 4231 §4.3, test case 2.
    @Test func hmacSHA256MatchesRFC4231TestCase2() {
        let mac = AuthCrypto.hmacSHA256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(mac == Self.bytes(hex: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"))
    }

    /// RFC 4231 §4.7, test case 6 (a key longer than the block size).
    @Test func hmacSHA256MatchesRFC4231TestCase6() {
        let mac = AuthCrypto.hmacSHA256(
            key: [UInt8](repeating: 0xAA, count: 131),
            message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)
        )
        #expect(mac == Self.bytes(hex: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"))
    }

    @Test func hmacSHA256AcceptsEmptyKeyAndMessage() {
        // Python: hmac.new(b'', b'', hashlib.sha256).hexdigest()
        let mac = AuthCrypto.hmacSHA256(key: [], message: [])
        #expect(mac == Self.bytes(hex: "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"))
    }

    /// RFC 7914 §11, first PBKDF2-HMAC-SHA256 vector.
    @Test func pbkdf2MatchesRFC7914FirstVector() {
        let key = AuthCrypto.pbkdf2SHA256(password: Array("passwd".utf8), salt: Array("salt".utf8), iterations: 1, length: 64)
        #expect(key == Self.bytes(hex: """
            55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc\
            49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783
            """))
    }

    /// RFC 7914 §11, second PBKDF2-HMAC-SHA256 vector (80,000 iterations).
    @Test func pbkdf2MatchesRFC7914SecondVector() {
        let key = AuthCrypto.pbkdf2SHA256(password: Array("Password".utf8), salt: Array("NaCl".utf8), iterations: 80_000, length: 64)
        #expect(key == Self.bytes(hex: """
            4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56\
            a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d
            """))
    }

    @Test func randomBytesHaveTheRequestedLengthAndDiffer() {
        let first = AuthCrypto.randomBytes(32)
        let second = AuthCrypto.randomBytes(32)
        #expect(first.count == 32)
        #expect(second.count == 32)
        #expect(first != second)
        #expect(AuthCrypto.randomBytes(0).isEmpty)
    }

    @Test func constantTimeEqualComparesContentAndLength() {
        #expect(AuthCrypto.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!AuthCrypto.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!AuthCrypto.constantTimeEqual([1, 2, 3], [1, 2]))
        #expect(AuthCrypto.constantTimeEqual([], []))
        #expect(!AuthCrypto.constantTimeEqual([], [0]))
    }
}
