import NacosAuth
import Testing

@Suite("Base64URL")
struct Base64URLTests {
    /// RFC 4648 §10 test vectors, unpadded.
    @Test(arguments: [
        ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"),
        ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy"),
    ])
    func encodesAndDecodesRFC4648Vectors(plain: String, encoded: String) {
        #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
        #expect(Base64URL.decode(encoded) == Array(plain.utf8))
    }

    @Test func usesTheURLAlphabet() {
        #expect(Base64URL.encode([0xFB, 0xFF, 0xBF]) == "-_-_")
        #expect(Base64URL.decode("-_-_") == [0xFB, 0xFF, 0xBF])
        #expect(Base64URL.encode([0xFF]) == "_w")
    }

    @Test func acceptsPaddingAtTheEnd() {
        #expect(Base64URL.decode("Zg==") == Array("f".utf8))
        #expect(Base64URL.decode("Zm8=") == Array("fo".utf8))
    }

    @Test func roundTripsEveryLengthAndByte() {
        let bytes = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        for length in 0...bytes.count {
            let prefix = Array(bytes.prefix(length))
            let encoded = Base64URL.encode(prefix)
            #expect(!encoded.contains("="))
            #expect(Base64URL.decode(encoded) == prefix)
        }
    }

    @Test(arguments: [
        "Zm+v",     // standard-alphabet plus
        "Zm/v",     // standard-alphabet slash
        "Zg==Zm9v", // padding in the middle
        "Z=g",      // padding in the middle
        "Zm9vY",    // length 1 mod 4
        "Z",        // length 1
        "Zg=",      // padding that does not complete a group
        "Zm9v=",    // padding after a full group
        "Z===",     // too much padding
        "Zm 9v",    // space
        "Zm9v\n",   // newline
        "Zh",       // nonzero trailing bits
        "Zm9",      // nonzero trailing bits
        "Zé",       // non-ASCII
    ])
    func rejectsBadInput(text: String) {
        #expect(Base64URL.decode(text) == nil)
    }
}
