/// The few records of ZooKeeper's jute wire protocol the `zk-load` client needs, written and read by hand:
/// every frame is a 4-byte big-endian length and a body of big-endian ints, longs, length-prefixed
/// buffers and strings, and one-byte booleans.
enum ZooKeeperWire {
    /// The session timeout the client asks for, in milliseconds.
    static let sessionTimeoutMilliseconds: Int32 = 30_000
    /// `OpCode.create`.
    static let createOpCode: Int32 = 1
    /// `OpCode.ping`.
    static let pingOpCode: Int32 = 11
    /// The xid of pings and their replies.
    static let pingXid: Int32 = -2
    /// The xid of watch notifications (never asked for here, skipped if they come).
    static let notificationXid: Int32 = -1
    /// `KeeperException.Code.NODEEXISTS`.
    static let nodeExists: Int32 = -110
    /// `ZooDefs.Perms.ALL` (read, write, create, delete, admin).
    static let allPermissions: Int32 = 31

    /// The framed ConnectRequest of a new session: protocol version 0, no zxid seen, the session timeout,
    /// session id 0, a zeroed 16-byte password, not read-only.
    static func connectRequest() -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(45)
        appendInt32(0, to: &body)
        appendInt64(0, to: &body)
        appendInt32(self.sessionTimeoutMilliseconds, to: &body)
        appendInt64(0, to: &body)
        appendBuffer([UInt8](repeating: 0, count: 16), to: &body)
        body.append(0)
        return self.framed(body)
    }

    /// Appends the framed CreateRequest `xid` of a persistent znode at `path` holding `data`, open to
    /// everyone (`world:anyone`, all permissions), to `frame`.
    static func appendCreateRequest(xid: Int32, path: String, data: [UInt8], to frame: inout [UInt8]) {
        let lengthAt = frame.count
        appendInt32(0, to: &frame)
        appendInt32(xid, to: &frame)
        appendInt32(self.createOpCode, to: &frame)
        appendString(path, to: &frame)
        appendBuffer(data, to: &frame)
        appendInt32(1, to: &frame)
        appendInt32(self.allPermissions, to: &frame)
        appendString("world", to: &frame)
        appendString("anyone", to: &frame)
        appendInt32(0, to: &frame)
        self.patchLength(of: &frame, at: lengthAt)
    }

    /// Appends the framed ping request (xid -2, type 11, no body) to `frame`.
    static func appendPing(to frame: inout [UInt8]) {
        appendInt32(8, to: &frame)
        appendInt32(self.pingXid, to: &frame)
        appendInt32(self.pingOpCode, to: &frame)
    }

    /// Appends a big-endian 32-bit int.
    static func appendInt32(_ value: Int32, to bytes: inout [UInt8]) {
        let bits = UInt32(bitPattern: value)
        bytes.append(UInt8(truncatingIfNeeded: bits >> 24))
        bytes.append(UInt8(truncatingIfNeeded: bits >> 16))
        bytes.append(UInt8(truncatingIfNeeded: bits >> 8))
        bytes.append(UInt8(truncatingIfNeeded: bits))
    }

    /// Appends a big-endian 64-bit long.
    static func appendInt64(_ value: Int64, to bytes: inout [UInt8]) {
        let bits = UInt64(bitPattern: value)
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
    }

    /// Appends a jute buffer: its length as an int, then its bytes.
    static func appendBuffer(_ value: [UInt8], to bytes: inout [UInt8]) {
        appendInt32(Int32(value.count), to: &bytes)
        bytes.append(contentsOf: value)
    }

    /// Appends a jute string: its UTF-8 length as an int, then its UTF-8 bytes.
    static func appendString(_ value: String, to bytes: inout [UInt8]) {
        let utf8 = Array(value.utf8)
        appendInt32(Int32(utf8.count), to: &bytes)
        bytes.append(contentsOf: utf8)
    }

    /// Reads a big-endian 32-bit int at `offset` of `bytes` (the caller checked there are four bytes).
    static func int32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Int32 {
        let value = UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
        return Int32(bitPattern: value)
    }

    /// Reads a big-endian 64-bit long at `offset` of `bytes` (the caller checked there are eight bytes).
    static func int64(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Int64 {
        var value: UInt64 = 0
        for index in 0..<8 { value = value << 8 | UInt64(bytes[offset + index]) }
        return Int64(bitPattern: value)
    }

    private static func framed(_ body: [UInt8]) -> [UInt8] {
        var frame: [UInt8] = []
        frame.reserveCapacity(body.count + 4)
        appendInt32(Int32(body.count), to: &frame)
        frame.append(contentsOf: body)
        return frame
    }

    private static func patchLength(of frame: inout [UInt8], at offset: Int) {
        let length = UInt32(frame.count - offset - 4)
        frame[offset] = UInt8(truncatingIfNeeded: length >> 24)
        frame[offset + 1] = UInt8(truncatingIfNeeded: length >> 16)
        frame[offset + 2] = UInt8(truncatingIfNeeded: length >> 8)
        frame[offset + 3] = UInt8(truncatingIfNeeded: length)
    }
}
