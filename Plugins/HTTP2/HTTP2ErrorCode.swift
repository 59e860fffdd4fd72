/// An HTTP/2 error code (RFC 9113 §7); unknown values are kept as they are.
public struct HTTP2ErrorCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The code on the wire.
    public var rawValue: UInt32

    /// Creates a code from its wire value.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Graceful shutdown or no error.
    public static let noError = Self(rawValue: 0x0)
    /// An unspecific protocol error.
    public static let protocolError = Self(rawValue: 0x1)
    /// An internal error of the endpoint.
    public static let internalError = Self(rawValue: 0x2)
    /// The peer violated flow control.
    public static let flowControlError = Self(rawValue: 0x3)
    /// SETTINGS were not acknowledged in time.
    public static let settingsTimeout = Self(rawValue: 0x4)
    /// A frame arrived on a half-closed stream.
    public static let streamClosed = Self(rawValue: 0x5)
    /// A frame had an invalid size.
    public static let frameSizeError = Self(rawValue: 0x6)
    /// The stream was refused before any processing.
    public static let refusedStream = Self(rawValue: 0x7)
    /// The stream is no longer needed.
    public static let cancel = Self(rawValue: 0x8)
    /// The header compression context cannot be maintained.
    public static let compressionError = Self(rawValue: 0x9)
    /// A CONNECT tunnel failed.
    public static let connectError = Self(rawValue: 0xa)
    /// The peer is generating excessive load.
    public static let enhanceYourCalm = Self(rawValue: 0xb)
    /// The transport does not meet minimum security requirements.
    public static let inadequateSecurity = Self(rawValue: 0xc)
    /// HTTP/1.1 is required instead.
    public static let http11Required = Self(rawValue: 0xd)

    /// The RFC's name, or the hexadecimal value for an unknown code.
    public var description: String {
        let names = [
            "NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT", "STREAM_CLOSED",
            "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR", "CONNECT_ERROR", "ENHANCE_YOUR_CALM",
            "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED",
        ]
        return Int(self.rawValue) < names.count ? names[Int(self.rawValue)] : "0x\(String(self.rawValue, radix: 16))"
    }
}
