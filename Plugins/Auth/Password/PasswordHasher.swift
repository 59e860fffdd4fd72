/// Hashes and checks user passwords with PBKDF2-HMAC-SHA256, stored as
/// `pbkdf2-sha256$<iterations>$<base64url salt>$<base64url hash>`.
public struct PasswordHasher: Sendable {
    /// OWASP's recommended PBKDF2-HMAC-SHA256 iteration count.
    public static let defaultIterations = 310_000
    /// The fewest iterations a hasher uses or a stored hash may ask for.
    public static let minimumIterations = 10_000
    /// The most iterations a stored hash may ask for (a bound on the work one login can cause).
    public static let maximumIterations = 10_000_000

    /// The scheme name that starts every encoded hash.
    private static let scheme = "pbkdf2-sha256"
    private static let saltLength = 16
    private static let hashLength = 32

    /// The iteration count of the hashes this hasher produces.
    public let iterations: Int

    /// Creates a hasher using `iterations` rounds, from `minimumIterations` to `maximumIterations`.
    public init(iterations: Int) {
        precondition(
            iterations >= Self.minimumIterations && iterations <= Self.maximumIterations,
            "PasswordHasher iterations must be in \(Self.minimumIterations)...\(Self.maximumIterations), got \(iterations)"
        )
        self.iterations = iterations
    }

    /// The encoded hash of `password` with a fresh 16-byte random salt.
    public func hash(_ password: String) -> String {
        let salt = AuthCrypto.randomBytes(Self.saltLength)
        let derived = AuthCrypto.pbkdf2SHA256(password: Array(password.utf8), salt: salt, iterations: self.iterations, length: Self.hashLength)
        return "\(Self.scheme)$\(self.iterations)$\(Base64URL.encode(salt))$\(Base64URL.encode(derived))"
    }

    /// Whether `password` matches the encoded hash `stored`, using the iteration count stored in it;
    /// malformed strings and iteration counts outside the accepted range are `false`.
    public func verify(_ password: String, against stored: String) -> Bool {
        guard let parsed = Self.parse(stored) else { return false }
        let derived = AuthCrypto.pbkdf2SHA256(
            password: Array(password.utf8), salt: parsed.salt, iterations: parsed.iterations, length: parsed.hash.count
        )
        return AuthCrypto.constantTimeEqual(derived, parsed.hash)
    }

    /// Spends the time of a real verification of `password` against a hash of this hasher's iteration
    /// count, so that an unknown user costs as much as a wrong password.
    public func burnVerification(_ password: String) {
        let derived = AuthCrypto.pbkdf2SHA256(
            password: Array(password.utf8), salt: Self.dummySalt, iterations: self.iterations, length: Self.hashLength
        )
        _ = AuthCrypto.constantTimeEqual(derived, Self.dummyHash)
    }

    /// The salt of the dummy hash `burnVerification` checks against.
    private static let dummySalt = AuthCrypto.randomBytes(saltLength)
    /// The dummy hash `burnVerification` compares with (matches no password in practice).
    private static let dummyHash = AuthCrypto.randomBytes(hashLength)

    /// The iteration count, salt and hash of an encoded hash, or `nil` when it is malformed or out of range.
    private static func parse(_ stored: String) -> (iterations: Int, salt: [UInt8], hash: [UInt8])? {
        let fields = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 4, fields[0] == Self.scheme else { return nil }
        let digits = fields[1].utf8
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let iterations = Int(fields[1]),
            iterations >= Self.minimumIterations, iterations <= Self.maximumIterations
        else { return nil }
        guard
            let salt = Base64URL.decode(String(fields[2])), salt.count >= 8, salt.count <= 64,
            let hash = Base64URL.decode(String(fields[3])), hash.count == Self.hashLength
        else { return nil }
        return (iterations, salt, hash)
    }
}
