import Foundation

/// Finds the `nacos-server` binary that `swift test` built next to the test bundle.
///
/// `swift test` builds every executable the test target depends on into the same products directory as
/// the test bundle (`<scratch>/<triple>/debug/`), so the first candidate is the directory of the running
/// test executable. `NACOS_SERVER_EXECUTABLE` overrides the search; as a last resort the package's default
/// build directories are searched.
enum ServerExecutable {
    /// The environment variable that names the binary explicitly.
    static let overrideVariable = "NACOS_SERVER_EXECUTABLE"
    /// The product name of the binary.
    static let name = "nacos-server"

    /// Where the binary is; throws when no candidate exists.
    static func locate() throws -> URL {
        let candidates = Self.candidates()
        let fileManager = FileManager.default
        for candidate in candidates where fileManager.isExecutableFile(atPath: candidate.path) {
            return candidate
        }
        throw ServerExecutableNotFound(searched: candidates.map(\.path))
    }

    /// Every path tried, in order.
    static func candidates() -> [URL] {
        var candidates: [URL] = []
        if let explicit = ProcessInfo.processInfo.environment[Self.overrideVariable], !explicit.isEmpty {
            candidates.append(URL(fileURLWithPath: explicit))
        }
        var directories: [URL] = []
        // The test executable itself: /proc/self/exe on Linux, else the program name.
        if let running = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            directories.append(URL(fileURLWithPath: running).deletingLastPathComponent())
        }
        if let program = CommandLine.arguments.first, !program.isEmpty {
            let url = URL(fileURLWithPath: program).resolvingSymlinksInPath()
            directories.append(url.deletingLastPathComponent())
        }
        // A bundle directory (`….xctest` on macOS; the executable's directory on Linux) and its parent.
        let bundle = Bundle.main.bundleURL
        directories.append(bundle)
        directories.append(bundle.deletingLastPathComponent())
        for directory in directories {
            candidates.append(directory.appendingPathComponent(Self.name))
        }
        // The package's own build directories, found from this source file's location.
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // Support
            .deletingLastPathComponent()  // ServerTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()
        let build = packageRoot.appendingPathComponent(".build")
        candidates.append(build.appendingPathComponent("debug").appendingPathComponent(Self.name))
        if let triples = try? FileManager.default.contentsOfDirectory(atPath: build.path) {
            for triple in triples.sorted() {
                candidates.append(build.appendingPathComponent(triple).appendingPathComponent("debug").appendingPathComponent(Self.name))
            }
        }
        var seen = Set<String>()
        return candidates.filter { seen.insert($0.standardizedFileURL.path).inserted }
    }
}
