// console-asset-embedder ASSETS OUTPUT: writes OUTPUT, a Swift source declaring
// `ConsoleAssetFiles.all`, every regular file under ASSETS (except README.md) as its path relative to
// ASSETS and its bytes in base64 (one string literal per file, which compiles fast at any size).
import Foundation

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: console-asset-embedder ASSETS OUTPUT\n".utf8))
    exit(64)
}
let root = URL(fileURLWithPath: arguments[1]).standardizedFileURL
let output = URL(fileURLWithPath: arguments[2])

var files: [(path: String, base64: String)] = []
if let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) {
    for case let url as URL in walker {
        guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
        let path = String(url.standardizedFileURL.path.dropFirst(root.path.count + 1))
        guard path != "README.md", !path.split(separator: "/").contains(where: { $0.hasPrefix(".") }) else { continue }
        guard !path.contains("\""), !path.contains("\\") else {
            FileHandle.standardError.write(Data("console-asset-embedder: \(path): a quote or backslash in a file name\n".utf8))
            exit(65)
        }
        files.append((path, try Data(contentsOf: url).base64EncodedString()))
    }
}
files.sort { $0.path < $1.path }

var source = """
    // Generated at build time by console-asset-embedder from Plugins/Console/Assets: do not edit.

    /// The console's files, embedded in the binary: each path relative to the assets folder, and its bytes in base64.
    enum ConsoleAssetFiles {
        /// Every embedded file, sorted by path.
        static let all: [(path: String, base64: String)] = [

    """
for file in files {
    source += "        (\"\(file.path)\", \"\(file.base64)\"),\n"
}
source += "    ]\n}\n"
do {
    try Data(source.utf8).write(to: output, options: .atomic)
} catch {
    FileHandle.standardError.write(Data("console-asset-embedder: cannot write \(output.path): \(error)\n".utf8))
    exit(1)
}
