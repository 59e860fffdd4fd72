import NacosAuth
import Testing

/// PBKDF2-HMAC-SHA256 of "nacos" with salt bytes 0...15 and 10,000 iterations, base64url (computed with python3 hashlib).
private let knownPBKDF2Hash = "N6BI4utoAzL_aNpIl5LKnn8lMZVW9KVhnkcSaP9HLSY"

@Suite("PasswordHasher")
struct PasswordHasherTests {
    let hasher = PasswordHasher(iterations: 10_000)

    @Test func aHashVerifiesItsPassword() {
        let stored = self.hasher.hash("nacos")
        #expect(stored.hasPrefix("pbkdf2-sha256$10000$"))
        let fields = stored.split(separator: "$", omittingEmptySubsequences: false)
        #expect(fields.count == 4)
        #expect(Base64URL.decode(String(fields[2]))?.count == 16)
        #expect(Base64URL.decode(String(fields[3]))?.count == 32)
        #expect(self.hasher.verify("nacos", against: stored))
    }

    @Test func aWrongPasswordDoesNotVerify() {
        let stored = self.hasher.hash("nacos")
        #expect(!self.hasher.verify("Nacos", against: stored))
        #expect(!self.hasher.verify("", against: stored))
    }

    @Test func theIterationCountComesFromTheStoredString() {
        let stored = PasswordHasher(iterations: 12_000).hash("nacos")
        #expect(self.hasher.verify("nacos", against: stored))
    }

    @Test func hashesOfOnePasswordDiffer() {
        #expect(self.hasher.hash("nacos") != self.hasher.hash("nacos"))
    }

    @Test func aKnownHashVerifies() {
        // python3: salt = bytes(range(16)); hashlib.pbkdf2_hmac('sha256', b'nacos', salt, 10000, 32), base64url unpadded.
        let stored = "pbkdf2-sha256$10000$AAECAwQFBgcICQoLDA0ODw$" + knownPBKDF2Hash
        #expect(self.hasher.verify("nacos", against: stored))
    }

    @Test(arguments: [
        "",
        "nacos",
        "pbkdf2-sha256$10000$AAECAwQFBgcICQoLDA0ODw",
        "pbkdf2-sha256$10000$AAECAwQFBgcICQoLDA0ODw$\(knownPBKDF2Hash)$",
        "pbkdf2-sha1$10000$AAECAwQFBgcICQoLDA0ODw$\(knownPBKDF2Hash)",
        "pbkdf2-sha256$+10000$AAECAwQFBgcICQoLDA0ODw$\(knownPBKDF2Hash)",
        "pbkdf2-sha256$ten$AAECAwQFBgcICQoLDA0ODw$\(knownPBKDF2Hash)",
        "pbkdf2-sha256$$AAECAwQFBgcICQoLDA0ODw$\(knownPBKDF2Hash)",
        "pbkdf2-sha256$10000$$\(knownPBKDF2Hash)",
        "pbkdf2-sha256$10000$AAECAwQFBgcICQoLDA0ODw$",
        "pbkdf2-sha256$10000$AAEC+wQFBgcICQoLDA0ODw$\(knownPBKDF2Hash)",
        "pbkdf2-sha256$10000$AAECAwQFBgcICQoLDA0ODw$\(knownPBKDF2Hash.dropLast(2))",
        "pbkdf2-sha256$99999999999999999999$AAECAwQFBgcICQoLDA0ODw$\(knownPBKDF2Hash)",
        "pbkdf2-sha256$10000001$AAECAwQFBgcICQoLDA0ODw$\(knownPBKDF2Hash)",
        "pbkdf2-sha256$9999$AAECAwQFBgcICQoLDA0ODw$\(knownPBKDF2Hash)",
    ])
    func malformedStoredStringsDoNotVerify(stored: String) {
        #expect(!self.hasher.verify("nacos", against: stored))
    }

    @Test func aStoredStringWithOneIterationIsRefused() {
        // The correct PBKDF2 output for 1 iteration: only the iteration count is refused.
        let salt = Array(0..<16).map(UInt8.init)
        let derived = AuthCrypto.pbkdf2SHA256(password: Array("nacos".utf8), salt: salt, iterations: 1, length: 32)
        let stored = "pbkdf2-sha256$1$\(Base64URL.encode(salt))$\(Base64URL.encode(derived))"
        #expect(!self.hasher.verify("nacos", against: stored))
    }

    @Test func burningAVerificationCompletes() {
        self.hasher.burnVerification("nacos")
        #expect(PasswordHasher.defaultIterations == 310_000)
    }
}
