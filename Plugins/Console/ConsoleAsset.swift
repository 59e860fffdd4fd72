import NacosTransport

/// One file of the console as it is served: its bytes, their gzip form when that is smaller, its content
/// type and a strong ETag of its bytes.
public struct ConsoleAsset: Sendable {
    /// The path relative to the assets folder, such as `pages/services.js`.
    public let path: String
    /// The `Content-Type` it is served with.
    public let contentType: String
    /// The file's bytes.
    public let bytes: [UInt8]
    /// The bytes gzip-compressed, or `nil` when compressing does not make them smaller.
    public let gzipped: [UInt8]?
    /// The quoted ETag: a 64-bit FNV-1a hash of `bytes` and their length.
    public let entityTag: String

    /// Creates the asset at `path` with `bytes`, compressing them once.
    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.contentType = Self.contentType(of: path)
        self.bytes = bytes
        let compressed = NacosGzip.compress(bytes)
        self.gzipped = compressed.count < bytes.count ? compressed : nil
        self.entityTag = "\"\(String(Self.fnv1a(bytes), radix: 16))-\(String(bytes.count, radix: 16))\""
    }

    /// The content type of a file by its extension; `application/octet-stream` for an unknown one.
    public static func contentType(of path: String) -> String {
        let fileExtension = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch fileExtension {
        case "html": return "text/html; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "json": return "application/json; charset=utf-8"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "ico": return "image/x-icon"
        case "txt", "md": return "text/plain; charset=utf-8"
        default: return "application/octet-stream"
        }
    }

    private static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }
}
