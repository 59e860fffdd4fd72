public import NacosRemote

/// The standard base64 alphabet (RFC 4648 §4) as Jackson writes `byte[]` fields: padded, no line breaks.
///
/// Decoding accepts padded and unpadded input and rejects anything else (characters outside the
/// alphabet, whitespace, a lone trailing character, padding in the middle or too much of it).
public enum DistroBase64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The value of each byte in the alphabet, or 0xFF.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in Self.alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    /// Encodes `bytes` as padded base64 text bytes.
    public static func encode(_ bytes: [UInt8]) -> [UInt8] {
        let count = Self.encodedCount(bytes.count)
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            Self.encode(bytes, into: buffer)
            initialized = count
        }
    }

    /// Encodes `bytes` as a padded base64 string.
    public static func encodeString(_ bytes: [UInt8]) -> String {
        String(unsafeUninitializedCapacity: Self.encodedCount(bytes.count)) { buffer in
            Self.encode(bytes, into: buffer)
            return buffer.count
        }
    }

    private static func encodedCount(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    /// Writes the base64 of `bytes` into `out`, which holds exactly `encodedCount(bytes.count)` bytes.
    private static func encode(_ bytes: [UInt8], into out: UnsafeMutableBufferPointer<UInt8>) {
        bytes.withUnsafeBufferPointer { input in
            Self.alphabet.withUnsafeBufferPointer { table in
                var read = 0
                var write = 0
                let whole = input.count - input.count % 3
                while read < whole {
                    let chunk = UInt32(input[read]) << 16 | UInt32(input[read + 1]) << 8 | UInt32(input[read + 2])
                    out[write] = table[Int(chunk >> 18 & 0x3F)]
                    out[write + 1] = table[Int(chunk >> 12 & 0x3F)]
                    out[write + 2] = table[Int(chunk >> 6 & 0x3F)]
                    out[write + 3] = table[Int(chunk & 0x3F)]
                    read += 3
                    write += 4
                }
                let rest = input.count - whole
                guard rest > 0 else { return }
                let second = rest == 2 ? UInt32(input[read + 1]) : 0
                let chunk = UInt32(input[read]) << 16 | second << 8
                out[write] = table[Int(chunk >> 18 & 0x3F)]
                out[write + 1] = table[Int(chunk >> 12 & 0x3F)]
                out[write + 2] = rest == 2 ? table[Int(chunk >> 6 & 0x3F)] : UInt8(ascii: "=")
                out[write + 3] = UInt8(ascii: "=")
            }
        }
    }

    /// Decodes base64 `text`.
    ///
    /// - Throws: `NacosRemoteError` with code `malformedBody` naming the offending offset.
    public static func decode(_ text: some StringProtocol) throws(NacosRemoteError) -> [UInt8] {
        var text = String(text)
        let result = text.withUTF8 { utf8 -> Result<[UInt8], NacosRemoteError> in
            do throws(NacosRemoteError) {
                return .success(try Self.decode(bytes: UnsafeRawBufferPointer(utf8)))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Decodes base64 text given as bytes.
    ///
    /// - Throws: `NacosRemoteError` with code `malformedBody` naming the offending offset.
    public static func decode(bytes: [UInt8]) throws(NacosRemoteError) -> [UInt8] {
        let result = bytes.withUnsafeBytes { raw -> Result<[UInt8], NacosRemoteError> in
            do throws(NacosRemoteError) {
                return .success(try Self.decode(bytes: raw))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private static func decode(bytes input: UnsafeRawBufferPointer) throws(NacosRemoteError) -> [UInt8] {
        var count = input.count
        var padding = 0
        while count > 0 && input[count - 1] == UInt8(ascii: "=") && padding < 2 {
            count -= 1
            padding += 1
        }
        if padding > 0 && input.count % 4 != 0 {
            throw Self.invalid("padded base64 length \(input.count) is not a multiple of 4")
        }
        let rest = count % 4
        if rest == 1 { throw Self.invalid("base64 length \(count) leaves a lone character") }
        let outputCount = count / 4 * 3 + (rest == 0 ? 0 : rest - 1)
        var failure: Int?
        let output = [UInt8](unsafeUninitializedCapacity: outputCount) { out, initialized in
            initialized = outputCount
            Self.values.withUnsafeBufferPointer { table in
                var read = 0
                var write = 0
                let whole = count - rest
                while read < whole {
                    let a = table[Int(input[read])]
                    let b = table[Int(input[read + 1])]
                    let c = table[Int(input[read + 2])]
                    let d = table[Int(input[read + 3])]
                    if (a | b | c | d) & 0xC0 != 0 {
                        failure = read
                        return
                    }
                    let chunk = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                    out[write] = UInt8(truncatingIfNeeded: chunk >> 16)
                    out[write + 1] = UInt8(truncatingIfNeeded: chunk >> 8)
                    out[write + 2] = UInt8(truncatingIfNeeded: chunk)
                    read += 4
                    write += 3
                }
                guard rest > 0 else { return }
                let a = table[Int(input[read])]
                let b = table[Int(input[read + 1])]
                let c = rest == 3 ? table[Int(input[read + 2])] : 0
                if (a | b | c) & 0xC0 != 0 {
                    failure = read
                    return
                }
                let chunk = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6
                out[write] = UInt8(truncatingIfNeeded: chunk >> 16)
                if rest == 3 { out[write + 1] = UInt8(truncatingIfNeeded: chunk >> 8) }
            }
        }
        if let failure { throw Self.invalid("invalid base64 character near offset \(failure)") }
        return output
    }

    private static func invalid(_ message: String) -> NacosRemoteError {
        NacosRemoteError(.malformedBody, message)
    }
}
