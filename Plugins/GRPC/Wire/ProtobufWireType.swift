/// The wire types of the protobuf encoding.
public enum ProtobufWireType: UInt8, Sendable {
    /// A base-128 varint.
    case varint = 0
    /// Eight little-endian bytes.
    case fixed64 = 1
    /// A varint length, then that many bytes (strings, bytes, messages, packed fields).
    case lengthDelimited = 2
    /// A deprecated group start (rejected).
    case startGroup = 3
    /// A deprecated group end (rejected).
    case endGroup = 4
    /// Four little-endian bytes.
    case fixed32 = 5
}
