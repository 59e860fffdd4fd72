public import NacosTransport

#if canImport(FoundationEssentials)
internal import FoundationEssentials
#else
internal import Foundation
#endif

/// Encodes and decodes message bodies as Nacos's Jackson setup does: UTF-8 JSON, `nil` fields omitted,
/// slashes not escaped, unknown fields ignored.
public enum NacosJSON {
    /// Encodes `value` as a JSON body.
    ///
    /// - Throws: `NacosRemoteError` with code `encodingFailed` when the value cannot be encoded.
    public static func encode(_ value: some Encodable) throws(NacosRemoteError) -> NacosByteBuffer {
        if let codable = value as? any NacosFastJSONCodable {
            var writer = NacosJSONWriter()
            codable.writeJSON(to: &writer)
            return writer.buffer
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        do {
            let data = try encoder.encode(value)
            return NacosByteBuffer(bytes: data)
        } catch {
            throw NacosRemoteError(.encodingFailed, "cannot encode \(type(of: value)) as JSON: \(error)")
        }
    }

    /// Decodes a `T` from the readable bytes of a JSON body.
    ///
    /// - Throws: `NacosRemoteError` with code `malformedBody` naming the type and the failing field.
    public static func decode<T: Decodable>(_ type: T.Type, from body: NacosByteBuffer) throws(NacosRemoteError) -> T {
        if let codableType = type as? any NacosFastJSONCodable.Type {
            do {
                let object = try NacosJSONParser.parseObject(body)
                if let value = try codableType.init(jsonObject: object) as? T { return value }
            } catch {
                throw NacosRemoteError(.malformedBody, "invalid \(T.self) body: \(error.message)")
            }
        }
        let data = body.withUnsafeReadableBytes { Data($0) }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw NacosRemoteError(.malformedBody, "invalid \(T.self) body: \(Self.describe(error))")
        } catch {
            throw NacosRemoteError(.malformedBody, "invalid \(T.self) body: \(error)")
        }
    }

    /// A one-line account of a decoding error: the field path and what went wrong.
    private static func describe(_ error: DecodingError) -> String {
        let context: DecodingError.Context
        switch error {
        case .typeMismatch(_, let errorContext), .valueNotFound(_, let errorContext),
            .keyNotFound(_, let errorContext), .dataCorrupted(let errorContext):
            context = errorContext
        @unknown default:
            return "\(error)"
        }
        let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
    }
}
