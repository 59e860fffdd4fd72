/// The outcome of a gRPC call: a status code and a message, as the trailers carry them.
public struct GRPCStatus: Error, Sendable, Equatable, CustomStringConvertible {
    /// The code.
    public var code: GRPCStatusCode
    /// The message (unencoded).
    public var message: String

    /// Creates a status.
    public init(code: GRPCStatusCode, message: String = "") {
        self.code = code
        self.message = message
    }

    /// `CODE: message`.
    public var description: String { self.message.isEmpty ? "\(self.code)" : "\(self.code): \(self.message)" }

    /// Percent-encodes a `grpc-message` value: bytes outside 0x20...0x7E, and `%`, become `%XX` of the UTF-8.
    public static func percentEncode(_ message: String) -> String {
        var encoded = ""
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        for byte in message.utf8 {
            if byte >= 0x20, byte <= 0x7e, byte != 0x25 {
                bytes.append(byte)
            } else {
                bytes += [0x25, hex[Int(byte >> 4)], hex[Int(byte & 0xf)]]
            }
        }
        encoded = String(decoding: bytes, as: UTF8.self)
        return encoded
    }

    /// Decodes a `grpc-message` value leniently: a malformed escape is kept as it is.
    public static func percentDecode(_ value: String) -> String {
        let bytes = Array(value.utf8)
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = 0
        func hexValue(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 0x30...0x39: byte - 0x30
            case 0x41...0x46: byte - 0x41 + 10
            case 0x61...0x66: byte - 0x61 + 10
            default: nil
            }
        }
        while index < bytes.count {
            if bytes[index] == 0x25, index + 2 < bytes.count, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                decoded.append(high << 4 | low)
                index += 3
            } else {
                decoded.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: decoded, as: UTF8.self)
    }
}
