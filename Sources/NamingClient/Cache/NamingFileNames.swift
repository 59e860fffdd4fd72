/// How service keys become file names in the snapshot and failover directories: percent-encoding as
/// Java's `URLEncoder` (letters, digits and `.-*_` kept), so `DEFAULT_GROUP@@svc` is `DEFAULT_GROUP%40%40svc`
/// and no key can leave its directory.
package enum NamingFileNames {
    /// The file name of `key`.
    package static func encode(_ key: String) -> String {
        var result = ""
        for byte in key.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "*"), UInt8(ascii: "_"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                result.unicodeScalars.append("%")
                result.unicodeScalars.append(hex[Int(byte >> 4)])
                result.unicodeScalars.append(hex[Int(byte & 0x0F)])
            }
        }
        // `.` and `..` alone would name directories.
        if result == "." || result == ".." { return result.replacingDots() }
        return result
    }

    /// The key a file name encodes (`+` read as a space, as Java's `URLDecoder`); malformed escapes are kept as they are.
    package static func decode(_ name: String) -> String {
        var bytes: [UInt8] = []
        let utf8 = Array(name.utf8)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%"), index + 2 < utf8.count,
                let high = Self.hexValue(utf8[index + 1]), let low = Self.hexValue(utf8[index + 2])
            {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension String {
    /// Every `.` written as `%2E`.
    fileprivate func replacingDots() -> String {
        String(self.map { $0 == "." ? "%2E" : String($0) }.joined())
    }
}
