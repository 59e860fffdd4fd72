import Foundation
import NacosRemote
import NacosTransport

/// Helpers to look inside encoded JSON bodies and to feed JSON text to decoders.
enum JSONObject {
    /// The top-level object of an encoded body.
    static func parse(_ body: NacosByteBuffer) throws -> [String: Any] {
        let data = Data(body.readableBytesArray)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw NacosRemoteError(.malformedBody, "not a JSON object")
        }
        return object
    }

    /// The keys of the top-level object of `value` encoded as JSON.
    static func keys(of value: some Encodable) throws -> Set<String> {
        Set(try Self.parse(try NacosJSON.encode(value)).keys)
    }

    /// The top-level object of `value` encoded as JSON.
    static func encode(_ value: some Encodable) throws -> [String: Any] {
        try Self.parse(try NacosJSON.encode(value))
    }

    /// Whether two values encode to the same JSON object (key order aside).
    static func sameJSON(_ left: some Encodable, _ right: some Encodable) throws -> Bool {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(left) == encoder.encode(right)
    }

    /// Decodes `T` from JSON text.
    static func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try NacosJSON.decode(T.self, from: NacosByteBuffer(string: json))
    }
}
