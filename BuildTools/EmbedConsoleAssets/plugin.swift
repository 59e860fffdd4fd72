import Foundation
import PackagePlugin

/// Embeds every file under a target's `Assets` folder into the target at build time: runs
/// `console-asset-embedder` over them, which writes one Swift source holding their bytes.
@main
struct EmbedConsoleAssets: BuildToolPlugin {
    /// The command that regenerates `ConsoleAssetFiles.swift` whenever an asset changes.
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let assets = target.directoryURL.appending(path: "Assets")
        let output = context.pluginWorkDirectoryURL.appending(path: "ConsoleAssetFiles.swift")
        return [
            .buildCommand(
                displayName: "Embedding the console assets of \(target.name)",
                executable: try context.tool(named: "console-asset-embedder").url,
                arguments: [assets.path, output.path],
                inputFiles: try Self.files(under: assets),
                outputFiles: [output]
            )
        ]
    }

    /// Every regular file under `folder`, sorted.
    static func files(under folder: URL) throws -> [URL] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var files: [URL] = []
        for case let url as URL in walker where try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true {
            files.append(url)
        }
        return files.sorted { $0.path < $1.path }
    }
}
