import COpenSSL

/// The cryptographic primitives of the auth plugin, computed by the system's OpenSSL.
public enum AuthCrypto {
    /// The HMAC-SHA256 of `message` under `key` (32 bytes).
    public static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var outputLength: UInt32 = 0
        let succeeded = Self.withNonNullBytes(key) { keyPointer, keyCount in
            Self.withNonNullBytes(message) { messagePointer, messageCount in
                output.withUnsafeMutableBufferPointer { outputPointer in
                    HMAC(EVP_sha256(), keyPointer, Int32(keyCount), messagePointer, messageCount, outputPointer.baseAddress, &outputLength) != nil
                }
            }
        }
        guard succeeded, outputLength == 32 else {
            fatalError("OpenSSL HMAC-SHA256 failed; the crypto library is unusable")
        }
        return Array(output.prefix(32))
    }

    /// The PBKDF2-HMAC-SHA256 derivation of `length` bytes from `password` and `salt` over `iterations` rounds.
    public static func pbkdf2SHA256(password: [UInt8], salt: [UInt8], iterations: Int, length: Int) -> [UInt8] {
        precondition(iterations >= 1 && iterations <= Int(Int32.max), "PBKDF2 iterations out of range: \(iterations)")
        precondition(length >= 1 && length <= Int(Int32.max), "PBKDF2 output length out of range: \(length)")
        var output = [UInt8](repeating: 0, count: length)
        let succeeded = Self.withNonNullBytes(password) { passwordPointer, passwordCount in
            Self.withNonNullBytes(salt) { saltPointer, saltCount in
                output.withUnsafeMutableBufferPointer { outputPointer in
                    passwordPointer.withMemoryRebound(to: CChar.self, capacity: max(passwordCount, 1)) { passwordChars in
                        PKCS5_PBKDF2_HMAC(
                            passwordChars, Int32(passwordCount),
                            saltPointer, Int32(saltCount),
                            Int32(iterations), EVP_sha256(),
                            Int32(length), outputPointer.baseAddress
                        ) == 1
                    }
                }
            }
        }
        guard succeeded else {
            fatalError("OpenSSL PKCS5_PBKDF2_HMAC failed; the crypto library is unusable")
        }
        return output
    }

    /// `count` bytes from OpenSSL's cryptographically secure generator.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0 && count <= Int(Int32.max), "random byte count out of range: \(count)")
        guard count > 0 else { return [] }
        var output = [UInt8](repeating: 0, count: count)
        let status = output.withUnsafeMutableBufferPointer { pointer in
            RAND_bytes(pointer.baseAddress, Int32(count))
        }
        guard status == 1 else {
            fatalError("OpenSSL RAND_bytes failed: the system has no usable source of randomness")
        }
        return output
    }

    /// Whether `a` and `b` are equal, in time that depends only on their length (unequal lengths are `false`).
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        guard !a.isEmpty else { return true }
        return a.withUnsafeBytes { left in
            b.withUnsafeBytes { right in
                CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0
            }
        }
    }

    /// Runs `body` with a pointer that is never null (a one-byte dummy for an empty array) and the real count.
    private static func withNonNullBytes<Result>(
        _ bytes: [UInt8],
        _ body: (UnsafePointer<UInt8>, Int) -> Result
    ) -> Result {
        if bytes.isEmpty {
            let dummy: [UInt8] = [0]
            return dummy.withUnsafeBufferPointer { body($0.baseAddress!, 0) }
        }
        return bytes.withUnsafeBufferPointer { body($0.baseAddress!, $0.count) }
    }
}
