import Foundation
import NacosConsole
import Testing

/// The files embedded at build time are exactly those under Plugins/Console/Assets, byte for byte.
@Suite("Console: embedded assets")
struct EmbeddedAssetsTests {
    static let assetsFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "Plugins/Console/Assets")

    @Test func everyAssetIsEmbeddedWithItsCurrentBytes() throws {
        let root = Self.assetsFolder.standardizedFileURL.path
        var onDisk: [String: [UInt8]] = [:]
        let walker = try #require(FileManager.default.enumerator(at: Self.assetsFolder, includingPropertiesForKeys: [.isRegularFileKey]))
        for case let url as URL in walker where try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true {
            let path = String(url.standardizedFileURL.path.dropFirst(root.count + 1))
            guard path != "README.md", !path.hasPrefix(".") else { continue }
            onDisk[path] = Array(try Data(contentsOf: url))
        }
        let embedded = ConsoleAssetCatalog.embedded.assets
        #expect(onDisk["index.html"] != nil)
        #expect(Set(embedded.keys) == Set(onDisk.keys))
        for (path, bytes) in onDisk {
            #expect(embedded[path]?.bytes == bytes, "\(path) is embedded with other bytes: rebuild")
        }
    }
}
