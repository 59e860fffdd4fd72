import NacosRemote
import NacosTransport

/// The strict JSON parser of message bodies, and the lenient field reads the payload decoders make of it.
enum JSONFuzzTarget: FuzzTarget {
    static let name = "json"

    static func run(_ bytes: [UInt8]) {
        guard let value = try? NacosJSONParser.parse(NacosByteBuffer(bytes: bytes)) else { return }
        guard case .object(let object) = value else { return }
        for key in object.members.map(\.key) {
            _ = try? object.string(key)
            _ = try? object.integer(key)
            _ = try? object.integer(key, as: Int32.self)
            _ = try? object.bool(key)
            _ = try? object.double(key)
            _ = try? object.object(key)
            _ = try? object.stringMap(key)
            _ = try? object.array(key)
            _ = try? object.strings(key)
        }
    }
}
