/// Jackson-style lenient reads for message bodies: missing keys and `null` give `nil`, and scalars
/// given as another JSON scalar are coerced the way Java's Jackson coerces them.
///
/// - Integers accept integer numbers, floating-point numbers (truncated, as Jackson's
///   `ACCEPT_FLOAT_AS_INT`) and numeric strings (`"200"`); an empty string reads as `nil`.
/// - Booleans accept `true`/`false`, the strings `"true"`/`"false"` in any case, and numbers (0 is false).
/// - Strings accept strings, numbers and booleans (their JSON text).
/// - String maps drop `null` values and coerce scalar values to strings; boolean maps coerce likewise.
///
/// Anything that cannot be coerced (an object where a number belongs) throws `DecodingError`.
extension KeyedDecodingContainer {
    /// Reads a string, coercing numbers and booleans, or `nil` when the key is missing or `null`.
    public func decodeLenient(_ type: String.Type, forKey key: Key) throws -> String? {
        do {
            return try self.decodeIfPresent(String.self, forKey: key)
        } catch DecodingError.typeMismatch {
            return try self.decode(LenientScalar.self, forKey: key).stringValue(codingPath: self.codingPath + [key])
        }
    }

    /// Reads an integer, coercing numeric strings and floating-point numbers, or `nil` when missing, `null` or `""`.
    public func decodeLenient<Integer: FixedWidthInteger & Decodable>(
        _ type: Integer.Type,
        forKey key: Key
    ) throws -> Integer? {
        do {
            return try self.decodeIfPresent(Integer.self, forKey: key)
        } catch DecodingError.typeMismatch {
            return try self.decode(LenientScalar.self, forKey: key).integerValue(Integer.self, codingPath: self.codingPath + [key])
        } catch DecodingError.dataCorrupted {
            // A number that does not fit the integer type, or one with a fraction.
            return try self.decode(LenientScalar.self, forKey: key).integerValue(Integer.self, codingPath: self.codingPath + [key])
        }
    }

    /// Reads a floating-point number, coercing numeric strings, or `nil` when missing, `null` or `""`.
    public func decodeLenient(_ type: Double.Type, forKey key: Key) throws -> Double? {
        do {
            return try self.decodeIfPresent(Double.self, forKey: key)
        } catch DecodingError.typeMismatch {
            return try self.decode(LenientScalar.self, forKey: key).doubleValue(codingPath: self.codingPath + [key])
        }
    }

    /// Reads a boolean, coercing `"true"`/`"false"` and numbers, or `nil` when missing, `null` or `""`.
    public func decodeLenient(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        do {
            return try self.decodeIfPresent(Bool.self, forKey: key)
        } catch DecodingError.typeMismatch {
            return try self.decode(LenientScalar.self, forKey: key).boolValue(codingPath: self.codingPath + [key])
        }
    }

    /// Reads a string-to-string map, dropping `null` values and coercing scalar values, or `nil` when missing or `null`.
    public func decodeLenient(_ type: [String: String].Type, forKey key: Key) throws -> [String: String]? {
        guard let raw = try self.decodeIfPresent([String: LenientScalar].self, forKey: key) else { return nil }
        var result: [String: String] = [:]
        result.reserveCapacity(raw.count)
        for (name, value) in raw {
            if let string = try value.stringValue(codingPath: self.codingPath + [key]) {
                result[name] = string
            }
        }
        return result
    }

    /// Reads a string-to-integer map, dropping `null` values and coercing numeric strings, or `nil` when
    /// missing or `null`.
    public func decodeLenient(_ type: [String: Int].Type, forKey key: Key) throws -> [String: Int]? {
        guard let raw = try self.decodeIfPresent([String: LenientScalar].self, forKey: key) else { return nil }
        var result: [String: Int] = [:]
        result.reserveCapacity(raw.count)
        for (name, value) in raw {
            if let integer = try value.integerValue(Int.self, codingPath: self.codingPath + [key]) {
                result[name] = integer
            }
        }
        return result
    }

    /// Reads a string-to-boolean map, dropping `null` values and coercing scalar values, or `nil` when missing or `null`.
    public func decodeLenient(_ type: [String: Bool].Type, forKey key: Key) throws -> [String: Bool]? {
        guard let raw = try self.decodeIfPresent([String: LenientScalar].self, forKey: key) else { return nil }
        var result: [String: Bool] = [:]
        result.reserveCapacity(raw.count)
        for (name, value) in raw {
            if let bool = try value.boolValue(codingPath: self.codingPath + [key]) {
                result[name] = bool
            }
        }
        return result
    }
}

/// Any JSON scalar (or `null`), read without knowing its type in advance.
internal enum LenientScalar: Decodable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let integer = try? container.decode(Int64.self) {
            self = .integer(integer)
        } else if let double = try? container.decode(Double.self) {
            self = .double(double)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else {
            throw DecodingError.typeMismatch(
                LenientScalar.self,
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "expected a JSON scalar")
            )
        }
    }

    func stringValue(codingPath: [any CodingKey]) throws -> String? {
        switch self {
        case .null: nil
        case .bool(let value): value ? "true" : "false"
        case .integer(let value): String(value)
        case .double(let value): String(value)
        case .string(let value): value
        }
    }

    func integerValue<Integer: FixedWidthInteger>(_ type: Integer.Type, codingPath: [any CodingKey]) throws -> Integer? {
        switch self {
        case .null:
            return nil
        case .integer(let value):
            if let exact = Integer(exactly: value) { return exact }
        case .double(let value):
            if value.isFinite, let truncated = Integer(exactly: value.rounded(.towardZero)) { return truncated }
        case .string(let text):
            let trimmed = text.trimmingSpaces
            if trimmed.isEmpty { return nil }
            if let exact = Integer(trimmed) { return exact }
            if let double = Double(trimmed), double.isFinite,
                let truncated = Integer(exactly: double.rounded(.towardZero))
            {
                return truncated
            }
        case .bool:
            break
        }
        throw DecodingError.typeMismatch(
            Integer.self,
            DecodingError.Context(codingPath: codingPath, debugDescription: "expected an integer, found \(self)")
        )
    }

    func doubleValue(codingPath: [any CodingKey]) throws -> Double? {
        switch self {
        case .null:
            return nil
        case .integer(let value):
            return Double(value)
        case .double(let value):
            return value
        case .string(let text):
            let trimmed = text.trimmingSpaces
            if trimmed.isEmpty { return nil }
            if let double = Double(trimmed) { return double }
        case .bool:
            break
        }
        throw DecodingError.typeMismatch(
            Double.self,
            DecodingError.Context(codingPath: codingPath, debugDescription: "expected a number, found \(self)")
        )
    }

    func boolValue(codingPath: [any CodingKey]) throws -> Bool? {
        switch self {
        case .null:
            return nil
        case .bool(let value):
            return value
        case .integer(let value):
            return value != 0
        case .double(let value):
            return value != 0
        case .string(let text):
            switch text.trimmingSpaces.lowercased() {
            case "true": return true
            case "false": return false
            case "": return nil
            default: break
            }
        }
        throw DecodingError.typeMismatch(
            Bool.self,
            DecodingError.Context(codingPath: codingPath, debugDescription: "expected a boolean, found \(self)")
        )
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks.
    fileprivate var trimmingSpaces: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = self.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = self.lastIndex(where: { !isSpace($0) })!
        return self[first...last]
    }
}
