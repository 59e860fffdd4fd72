/// The `tchar` set of RFC 9110 §5.6.2, which method names and header field names are made of.
internal enum HTTPTokenCharacters {
    private static let table: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(byte)] = true }
        for byte in UInt8(ascii: "a")...UInt8(ascii: "z") { table[Int(byte)] = true }
        for byte in UInt8(ascii: "A")...UInt8(ascii: "Z") { table[Int(byte)] = true }
        for byte in "!#$%&'*+-.^_`|~".utf8 { table[Int(byte)] = true }
        return table
    }()

    /// Whether `byte` may appear in a token.
    static func contains(_ byte: UInt8) -> Bool {
        self.table[Int(byte)]
    }
}
