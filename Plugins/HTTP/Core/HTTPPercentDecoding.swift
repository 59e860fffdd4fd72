/// Decodes `%XX` escapes (and, for form data, `+` as space) into UTF-8 text.
internal enum HTTPPercentDecoding {
    /// The decoded text of `bytes`; a `%` not followed by two hex digits is kept literally, and invalid
    /// UTF-8 becomes U+FFFD.
    static func decode(_ bytes: UnsafeRawBufferPointer, plusAsSpace: Bool) -> String {
        var needsWork = false
        for byte in bytes where byte == HTTPASCII.percent || (plusAsSpace && byte == HTTPASCII.plus) {
            needsWork = true
            break
        }
        guard needsWork else { return String(decoding: bytes, as: UTF8.self) }
        return String(unsafeUninitializedCapacity: bytes.count) { (output: UnsafeMutableBufferPointer<UInt8>) -> Int in
            var written = 0
            var index = 0
            let count = bytes.count
            while index < count {
                let byte = bytes[index]
                if byte == HTTPASCII.percent, index + 2 < count,
                    let high = HTTPASCII.hexValue(bytes[index + 1]), let low = HTTPASCII.hexValue(bytes[index + 2])
                {
                    output[written] = high << 4 | low
                    index += 3
                } else {
                    output[written] = plusAsSpace && byte == HTTPASCII.plus ? HTTPASCII.space : byte
                    index += 1
                }
                written += 1
            }
            return written
        }
    }

    /// The decoded text of a string's UTF-8 bytes.
    static func decode(_ text: String, plusAsSpace: Bool) -> String {
        var text = text
        return text.withUTF8 { Self.decode(UnsafeRawBufferPointer($0), plusAsSpace: plusAsSpace) }
    }
}
