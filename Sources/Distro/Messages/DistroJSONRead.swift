import NacosRemote

/// Lenient reads of single JSON values for the Distro decoders, with the rules of `NacosJSONObject`'s
/// typed reads (numbers and booleans read as strings, numeric strings as numbers, `null` as `nil`).
///
/// The decoders walk each object's members once and read each value with these non-generic helpers,
/// which keeps a 100k-instance snapshot fast to decode.
enum DistroJSONRead {
    /// The string of `value`, coercing numbers and booleans.
    static func string(_ value: NacosJSONValue, _ key: String) throws(NacosRemoteError) -> String? {
        switch value {
        case .null: return nil
        case .string(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .integer(let number): return String(number)
        case .double(let number): return String(number)
        case .array, .object: throw Self.mismatch(key, "a string", value)
        }
    }

    /// The 64-bit integer of `value`, coercing numeric strings and truncating fractions.
    static func integer(_ value: NacosJSONValue, _ key: String) throws(NacosRemoteError) -> Int64? {
        switch value {
        case .null: return nil
        case .integer(let number): return number
        case .double(let number):
            if number.isFinite, let truncated = Int64(exactly: number.rounded(.towardZero)) { return truncated }
        case .string(let text):
            if text.isEmpty { return nil }
            if let exact = Int64(text) { return exact }
            if let number = Double(text), number.isFinite, let truncated = Int64(exactly: number.rounded(.towardZero)) {
                return truncated
            }
        case .bool, .array, .object: break
        }
        throw Self.mismatch(key, "an integer", value)
    }

    /// The `Int` of `value`, as `integer(_:_:)`, refusing values outside `Int`.
    static func int(_ value: NacosJSONValue, _ key: String) throws(NacosRemoteError) -> Int? {
        guard let number = try Self.integer(value, key) else { return nil }
        guard let result = Int(exactly: number) else { throw Self.mismatch(key, "an integer", value) }
        return result
    }

    /// The boolean of `value`, coercing `"true"`/`"false"` and numbers.
    static func bool(_ value: NacosJSONValue, _ key: String) throws(NacosRemoteError) -> Bool? {
        switch value {
        case .null: return nil
        case .bool(let flag): return flag
        case .integer(let number): return number != 0
        case .double(let number): return number != 0
        case .string(let text):
            switch text.lowercased() {
            case "true": return true
            case "false": return false
            case "": return nil
            default: throw Self.mismatch(key, "a boolean", value)
            }
        case .array, .object: throw Self.mismatch(key, "a boolean", value)
        }
    }

    /// The strings of an array `value` (scalars coerced, `null`s dropped); `[]` for `null`.
    static func strings(_ value: NacosJSONValue, _ key: String) throws(NacosRemoteError) -> [String] {
        switch value {
        case .null: return []
        case .array(let values):
            var result: [String] = []
            result.reserveCapacity(values.count)
            for element in values {
                switch element {
                case .null: continue
                case .array, .object: throw Self.mismatch(key, "an array of strings", element)
                default: if let text = try Self.string(element, key) { result.append(text) }
                }
            }
            return result
        default:
            throw Self.mismatch(key, "an array", value)
        }
    }

    /// The elements of an array `value`; `[]` for `null`.
    static func array(_ value: NacosJSONValue, _ key: String) throws(NacosRemoteError) -> [NacosJSONValue] {
        switch value {
        case .null: return []
        case .array(let values): return values
        default: throw Self.mismatch(key, "an array", value)
        }
    }

    /// The object `value`; `nil` for `null`.
    static func object(_ value: NacosJSONValue, _ key: String) throws(NacosRemoteError) -> NacosJSONObject? {
        switch value {
        case .null: return nil
        case .object(let object): return object
        default: throw Self.mismatch(key, "an object", value)
        }
    }

    /// The error of a value of the wrong kind.
    static func mismatch(_ key: String, _ expected: String, _ found: NacosJSONValue) -> NacosRemoteError {
        NacosRemoteError(.malformedBody, "\(key): expected \(expected), found \(found.kindName)")
    }
}
