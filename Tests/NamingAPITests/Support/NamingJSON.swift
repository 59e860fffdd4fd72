import Foundation
import NacosRemote
import NacosTransport

/// Helpers to look inside encoded naming bodies and to feed JSON text to decoders.
enum NamingJSON {
    /// The top-level object of an encoded body.
    static func parse(_ body: NacosByteBuffer) throws -> [String: Any] {
        let data = Data(body.readableBytesArray)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw NacosRemoteError(.malformedBody, "not a JSON object")
        }
        return object
    }

    /// The top-level object of `value` encoded as JSON by `NacosJSON`.
    static func encode(_ value: some Encodable) throws -> [String: Any] {
        try Self.parse(try NacosJSON.encode(value))
    }

    /// The keys of the top-level object of `value` encoded as JSON.
    static func keys(of value: some Encodable) throws -> Set<String> {
        Set(try Self.encode(value).keys)
    }

    /// Decodes `T` from JSON text with `NacosJSON`.
    static func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try NacosJSON.decode(T.self, from: NacosByteBuffer(string: json))
    }

    /// Encodes `value` with `NacosJSON` and decodes the bytes back as the same type.
    static func roundTrip<T: Codable>(_ value: T) throws -> T {
        try NacosJSON.decode(T.self, from: try NacosJSON.encode(value))
    }

    /// The body text of `value` encoded with `NacosJSON`.
    static func text(_ value: some Encodable) throws -> String {
        String(decoding: try NacosJSON.encode(value).readableBytesArray, as: UTF8.self)
    }
}
