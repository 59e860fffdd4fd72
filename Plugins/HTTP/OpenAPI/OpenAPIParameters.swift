public import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTransport

/// Typed reads of an Open API request's parameters (query string, then form body), with Nacos's defaults,
/// aliases and checks; every bad value is an `OpenAPIError` with status 400 naming the parameter.
public struct OpenAPIParameters: Sendable {
    /// The raw parameters.
    public let raw: HTTPParameters

    /// Reads the parameters of `request`.
    public init(_ request: HTTPRequest) {
        self.raw = request.parameters
    }

    /// Wraps already-decoded parameters.
    public init(_ raw: HTTPParameters) {
        self.raw = raw
    }

    /// The value of `name` unless it is absent or blank.
    public func optional(_ name: String) -> String? {
        guard let value = self.raw[name], !value.isBlank else { return nil }
        return value
    }

    /// The first present value among `names` (aliases, such as `clusterName` and `cluster`).
    public func optional(anyOf names: String...) -> String? {
        for name in names {
            if let value = self.optional(name) { return value }
        }
        return nil
    }

    /// The value of `name`, or a 400 `Param 'name' is required.` when it is absent or blank.
    public func required(_ name: String) throws(OpenAPIError) -> String {
        guard let value = self.optional(name) else { throw .missing(name) }
        return value
    }

    /// A boolean in any letter case (`true`, `False`); absent means `defaultValue`.
    public func bool(_ name: String, default defaultValue: Bool) throws(OpenAPIError) -> Bool {
        try self.bool(anyOf: [name], default: defaultValue)
    }

    /// A boolean read from the first present of `names`.
    public func bool(anyOf names: [String], default defaultValue: Bool) throws(OpenAPIError) -> Bool {
        for name in names {
            guard let value = self.optional(name) else { continue }
            switch value.lowercased() {
            case "true": return true
            case "false": return false
            default: throw .invalid("Param '\(name)' must be true or false, got '\(value)'.")
            }
        }
        return defaultValue
    }

    /// A decimal integer in `range`; absent means `defaultValue`.
    public func int(_ name: String, default defaultValue: Int, range: ClosedRange<Int> = Int.min...Int.max) throws(OpenAPIError) -> Int {
        guard let value = self.optional(name) else { return defaultValue }
        guard let number = Int(value.trimmingBlanks) else {
            throw .invalid("Param '\(name)' must be an integer, got '\(value)'.")
        }
        guard range.contains(number) else {
            throw .invalid("Param '\(name)' must be between \(range.lowerBound) and \(range.upperBound), got \(number).")
        }
        return number
    }

    /// A required decimal integer in `range`.
    public func requiredInt(_ name: String, range: ClosedRange<Int> = Int.min...Int.max) throws(OpenAPIError) -> Int {
        _ = try self.required(name)
        return try self.int(name, default: 0, range: range)
    }

    /// A finite number; absent means `defaultValue`.
    public func double(_ name: String, default defaultValue: Double?) throws(OpenAPIError) -> Double? {
        guard let value = self.optional(name) else { return defaultValue }
        guard let number = Double(value.trimmingBlanks), number.isFinite else {
            throw .invalid("Param '\(name)' must be a number, got '\(value)'.")
        }
        return number
    }

    /// `namespaceId`, blank meaning `public`.
    public var namespace: String {
        NamingDefaults.namespace(self.optional("namespaceId"))
    }

    /// The cluster from `clusterName` or `cluster`; the literal `None` some 1.x clients send counts as absent.
    public var cluster: String? {
        guard let value = self.optional(anyOf: "clusterName", "cluster"), value != "None" else { return nil }
        return value
    }

    /// The service named by `serviceName` (and `groupName`), as Nacos's `ServiceNameFilter` reads it: the
    /// name is trimmed; a name without `@@` gets `groupName` (or `DEFAULT_GROUP`) in front; the result must
    /// be `group@@name` with both parts non-empty (with the texts of Nacos's `checkServiceNameFormat`).
    /// Names are checked with the same rules as over RPC.
    public func service(ephemeral: Bool = true) throws(OpenAPIError) -> Service {
        let raw = try self.required("serviceName").trimmingBlanks
        let group: String
        let name: String
        let utf8 = Array(raw.utf8)
        if let separator = Self.separatorIndex(in: utf8[...]) {
            group = String(decoding: utf8[..<separator], as: UTF8.self)
            name = String(decoding: utf8[(separator + 2)...], as: UTF8.self)
            guard !name.isBlank, Self.separatorIndex(in: utf8[(separator + 2)...]) == nil else {
                throw .invalid(Self.serviceNameFormat)
            }
        } else {
            group = self.optional("groupName") ?? NamingDefaults.group
            name = raw
        }
        guard !group.isBlank else {
            throw .invalid("Param 'serviceName' is illegal, groupName can't be empty")
        }
        let namespace = self.namespace
        if let reason = NamingParamCheck.namespace(namespace) ?? NamingParamCheck.serviceName(name) ?? NamingParamCheck.groupName(group) {
            throw .invalid(NamingParamCheck.message(for: reason))
        }
        return Service(namespace: namespace, group: group, name: name, ephemeral: ephemeral)
    }

    /// Nacos's text for a service name that is not `group@@name`.
    static let serviceNameFormat = "Param 'serviceName' is illegal, it should be format as 'groupName@@serviceName'"

    /// The offset of the first `@@` in `utf8`, if any.
    private static func separatorIndex(in utf8: ArraySlice<UInt8>) -> Int? {
        var index = utf8.startIndex
        while index + 1 < utf8.endIndex {
            if utf8[index] == UInt8(ascii: "@") && utf8[index + 1] == UInt8(ascii: "@") { return index }
            index += 1
        }
        return nil
    }

    /// `metadata` as a JSON object (`{"k":"v"}`; non-string values are written as JSON text) or as
    /// `k=v,k2=v2`; nil when absent.
    public func metadata(_ name: String = "metadata") throws(OpenAPIError) -> [String: String]? {
        guard let text = self.optional(name) else { return nil }
        return try Self.parseMetadata(text, parameter: name)
    }

    /// Parses metadata text in either of the two forms `metadata(_:)` accepts.
    public static func parseMetadata(_ text: String, parameter: String = "metadata") throws(OpenAPIError) -> [String: String] {
        let trimmed = text.trimmingBlanks
        if trimmed.hasPrefix("{") {
            let object: NacosJSONObject
            do {
                object = try NacosJSONParser.parseObject(NacosByteBuffer(string: trimmed))
            } catch {
                throw .invalid("Param '\(parameter)' is not a valid JSON object: \(error)")
            }
            var result: [String: String] = [:]
            for (key, value) in object.members {
                result[key] = Self.text(of: value)
            }
            return result
        }
        var result: [String: String] = [:]
        for pair in trimmed.split(separator: ",", omittingEmptySubsequences: true) {
            guard let equals = pair.firstIndex(of: "=") else {
                throw .invalid("Param '\(parameter)' must be a JSON object or 'key=value' pairs separated by ',', got '\(pair)'.")
            }
            let key = String(pair[..<equals]).trimmingBlanks
            guard !key.isEmpty else { throw .invalid("Param '\(parameter)' has a pair without a key: '\(pair)'.") }
            result[key] = String(pair[pair.index(after: equals)...]).trimmingBlanks
        }
        return result
    }

    private static func text(of value: NacosJSONValue) -> String {
        switch value {
        case .string(let string): return string
        case .integer(let number): return String(number)
        case .double(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return ""
        case .array, .object:
            var writer = NacosJSONWriter()
            Self.write(value, to: &writer)
            return String(decoding: writer.bytes, as: UTF8.self)
        }
    }

    private static func write(_ value: NacosJSONValue, to writer: inout NacosJSONWriter) {
        switch value {
        case .null: writer.null()
        case .bool(let flag): writer.bool(flag)
        case .integer(let number): writer.integer(number)
        case .double(let number): writer.double(number)
        case .string(let string): writer.string(string)
        case .array(let elements):
            writer.array { writer in
                for element in elements { Self.write(element, to: &writer) }
            }
        case .object(let object):
            writer.object { writer in
                for (key, member) in object.members {
                    writer.key(key)
                    Self.write(member, to: &writer)
                }
            }
        }
    }
}
