/// An HPACK failure: the HTTP/2 layer turns it into a COMPRESSION_ERROR connection error, except
/// `headerListTooLarge`, which it may answer as a stream error / 431-style refusal.
public struct HPACKError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure happened.
    public enum Code: Sendable, Hashable {
        /// An index is 0 or points past the end of the static and dynamic tables.
        case invalidIndex
        /// An integer is larger than 2^31 - 1 or uses more continuation octets than such a value needs.
        case integerOverflow
        /// The block ends in the middle of an integer or a string literal.
        case truncated
        /// A Huffman-coded string contains EOS, or its padding is longer than 7 bits or not all ones.
        case invalidHuffman
        /// A dynamic table size update is above the allowed maximum or does not start the block.
        case invalidTableSizeUpdate
        /// The decoded header list is larger than the configured maximum (name + value + 32 per field).
        case headerListTooLarge
        /// A name or value is not valid UTF-8.
        case invalidString
    }

    /// The failure's code.
    public var code: Code
    /// A human-readable explanation naming the offending value and where it was found.
    public var message: String

    /// Creates an error with a code and a message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(self.code): \(self.message)" }
}
