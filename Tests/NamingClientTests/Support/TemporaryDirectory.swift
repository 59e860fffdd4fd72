import Foundation
import NacosNamingAPI

/// A fresh directory under the system's temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nacos-client-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        self.path = url.path
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: self.path)
    }

    /// Writes `text` to `relativePath`, creating directories as needed.
    func write(_ text: String, to relativePath: String) throws {
        let url = URL(fileURLWithPath: self.path).appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url, options: .atomic)
    }

    /// Writes `info` as JSON to `relativePath`.
    func write(_ info: ServiceInfo, to relativePath: String) throws {
        try self.write(String(decoding: try JSONEncoder().encode(info), as: UTF8.self), to: relativePath)
    }

    /// The contents of `relativePath`, if it exists.
    func read(_ relativePath: String) -> Data? {
        FileManager.default.contents(atPath: URL(fileURLWithPath: self.path).appendingPathComponent(relativePath).path)
    }

    /// Runs `body` with a fresh directory and removes it afterwards, also when `body` throws.
    static func with<R>(_ body: (TemporaryDirectory) async throws -> R) async throws -> R {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        return try await body(directory)
    }
}
