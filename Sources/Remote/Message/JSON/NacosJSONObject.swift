/// A parsed JSON object with Jackson-style lenient typed reads (the rules of `decodeLenient`): missing
/// keys and `null` read as `nil`; integers accept floating-point numbers (truncated) and numeric strings;
/// booleans accept `"true"`/`"false"` and numbers; strings accept numbers and booleans; an empty string
/// reads as `nil` for numbers and booleans. A value that cannot be coerced throws `malformedBody`.
///
/// Members are kept in order in an array: message objects are small, so a linear search beats hashing.
public struct NacosJSONObject: Sendable, Equatable {
    /// The members in document order (a repeated key keeps every occurrence; reads see the last).
    public var members: [(key: String, value: NacosJSONValue)]

    /// Creates an object from its members.
    public init(members: [(key: String, value: NacosJSONValue)] = []) {
        self.members = members
    }

    /// Whether two objects have the same members in the same order.
    public static func == (left: NacosJSONObject, right: NacosJSONObject) -> Bool {
        left.members.count == right.members.count
            && zip(left.members, right.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    /// The value of `key` (the last occurrence), or `nil` when absent.
    public subscript(key: String) -> NacosJSONValue? {
        for member in self.members.reversed() where member.key == key { return member.value }
        return nil
    }

    /// The string at `key`, coercing numbers and booleans.
    public func string(_ key: String) throws(NacosRemoteError) -> String? {
        switch self[key] {
        case nil, .null: return nil
        case .string(let value): return value
        case .bool(let value): return value ? "true" : "false"
        case .integer(let value): return String(value)
        case .double(let value): return String(value)
        case .some(let other): throw Self.mismatch(key, "a string", other)
        }
    }

    /// The integer at `key`, coercing numeric strings and truncating fractions.
    public func integer<Integer: FixedWidthInteger>(_ key: String, as type: Integer.Type = Int.self) throws(NacosRemoteError) -> Integer? {
        guard let value = self[key] else { return nil }
        return try Self.integer(value, key: key, as: type)
    }

    /// The number at `key`, coercing numeric strings.
    public func double(_ key: String) throws(NacosRemoteError) -> Double? {
        switch self[key] {
        case nil, .null: return nil
        case .integer(let value): return Double(value)
        case .double(let value): return value
        case .string(let text):
            let trimmed = text.trimmingJSONSpaces
            if trimmed.isEmpty { return nil }
            if let value = Double(trimmed) { return value }
            throw Self.mismatch(key, "a number", .string(text))
        case .some(let other): throw Self.mismatch(key, "a number", other)
        }
    }

    /// The boolean at `key`, coercing `"true"`/`"false"` and numbers.
    public func bool(_ key: String) throws(NacosRemoteError) -> Bool? {
        switch self[key] {
        case nil, .null: return nil
        case .bool(let value): return value
        case .integer(let value): return value != 0
        case .double(let value): return value != 0
        case .string(let text):
            switch text.trimmingJSONSpaces.lowercased() {
            case "true": return true
            case "false": return false
            case "": return nil
            default: throw Self.mismatch(key, "a boolean", .string(text))
            }
        case .some(let other): throw Self.mismatch(key, "a boolean", other)
        }
    }

    /// The string map at `key`, dropping `null` values and coercing scalar values.
    public func stringMap(_ key: String) throws(NacosRemoteError) -> [String: String]? {
        switch self[key] {
        case nil, .null: return nil
        case .object(let object):
            var result: [String: String] = [:]
            result.reserveCapacity(object.members.count)
            for (name, _) in object.members {
                if let value = try object.string(name) { result[name] = value }
            }
            return result
        case .some(let other): throw Self.mismatch(key, "an object", other)
        }
    }

    /// The object at `key`, or `nil` when absent or `null`.
    public func object(_ key: String) throws(NacosRemoteError) -> NacosJSONObject? {
        switch self[key] {
        case nil, .null: return nil
        case .object(let object): return object
        case .some(let other): throw Self.mismatch(key, "an object", other)
        }
    }

    /// The array at `key`, or `nil` when absent or `null`.
    public func array(_ key: String) throws(NacosRemoteError) -> [NacosJSONValue]? {
        switch self[key] {
        case nil, .null: return nil
        case .array(let values): return values
        case .some(let other): throw Self.mismatch(key, "an array", other)
        }
    }

    /// The array of objects at `key` decoded by `decode`, or `nil` when absent or `null`.
    public func objects<T>(_ key: String, _ decode: (NacosJSONObject) throws(NacosRemoteError) -> T) throws(NacosRemoteError) -> [T]? {
        guard let values = try self.array(key) else { return nil }
        var result: [T] = []
        result.reserveCapacity(values.count)
        for value in values {
            guard case .object(let object) = value else { throw Self.mismatch(key, "an array of objects", value) }
            result.append(try decode(object))
        }
        return result
    }

    /// The array of strings at `key` (scalars coerced, `null`s dropped), or `nil` when absent or `null`.
    public func strings(_ key: String) throws(NacosRemoteError) -> [String]? {
        guard let values = try self.array(key) else { return nil }
        var result: [String] = []
        result.reserveCapacity(values.count)
        for value in values {
            switch value {
            case .null: continue
            case .string(let text): result.append(text)
            case .bool(let flag): result.append(flag ? "true" : "false")
            case .integer(let number): result.append(String(number))
            case .double(let number): result.append(String(number))
            default: throw Self.mismatch(key, "an array of strings", value)
            }
        }
        return result
    }

    private static func integer<Integer: FixedWidthInteger>(_ value: NacosJSONValue, key: String, as type: Integer.Type) throws(NacosRemoteError) -> Integer? {
        switch value {
        case .null:
            return nil
        case .integer(let number):
            if let exact = Integer(exactly: number) { return exact }
        case .double(let number):
            if number.isFinite, let truncated = Integer(exactly: number.rounded(.towardZero)) { return truncated }
        case .string(let text):
            let trimmed = text.trimmingJSONSpaces
            if trimmed.isEmpty { return nil }
            if let exact = Integer(trimmed) { return exact }
            if let number = Double(trimmed), number.isFinite, let truncated = Integer(exactly: number.rounded(.towardZero)) {
                return truncated
            }
        default:
            break
        }
        throw Self.mismatch(key, "an integer", value)
    }

    private static func mismatch(_ key: String, _ expected: String, _ found: NacosJSONValue) -> NacosRemoteError {
        NacosRemoteError(.malformedBody, "\(key): expected \(expected), found \(found.kindName)")
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks.
    fileprivate var trimmingJSONSpaces: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = self.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = self.lastIndex(where: { !isSpace($0) })!
        return self[first...last]
    }
}
