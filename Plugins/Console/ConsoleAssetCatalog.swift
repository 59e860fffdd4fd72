import Foundation

/// The console's embedded files by path, decoded and compressed once when the catalog is made.
public struct ConsoleAssetCatalog: Sendable {
    /// The assets by path relative to the assets folder.
    public let assets: [String: ConsoleAsset]

    /// The catalog of the files embedded at build time (Plugins/Console/Assets).
    public static let embedded = ConsoleAssetCatalog(files: ConsoleAssetFiles.all.map { file in
        // The build embedded valid base64; a file that does not decode is left out rather than served wrong.
        (file.path, Data(base64Encoded: file.base64).map(Array.init))
    }.compactMap { path, bytes in bytes.map { (path, $0) } })

    /// Creates a catalog of `files`, each a path and its bytes.
    public init(files: [(path: String, bytes: [UInt8])]) {
        var assets: [String: ConsoleAsset] = [:]
        for file in files { assets[file.path] = ConsoleAsset(path: file.path, bytes: file.bytes) }
        self.assets = assets
    }

    /// The asset at `path`, if the console has one.
    public func asset(_ path: String) -> ConsoleAsset? {
        self.assets[path]
    }
}
