/// A protobuf message that does not decode: truncated, malformed, or of the wrong shape.
public struct ProtobufError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, with the offset where it was found.
    public var message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    /// `invalid protobuf: …`.
    public var description: String { "invalid protobuf: \(self.message)" }
}
