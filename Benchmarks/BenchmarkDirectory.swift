import Foundation

/// A fresh temporary directory for one benchmark's files (a SQLite file, a ZooKeeper or PostgreSQL data
/// directory), removed with everything in it by `remove()`.
struct BenchmarkDirectory: Sendable {
    /// Its absolute path.
    let path: String

    /// Creates `<tmp>/nacos-bench-<label>-<random>` (mode 0700, by `mkdtemp`).
    ///
    /// - Throws: `BenchmarkError` when it cannot be created.
    init(_ label: String) throws {
        let base = FileManager.default.temporaryDirectory.path
        var template = Array("\(base)/nacos-bench-\(label)-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw BenchmarkError("cannot create a temporary directory in \(base): errno \(errno)")
        }
        self.path = String(cString: made)
    }

    /// `path/name`.
    func file(_ name: String) -> String { "\(self.path)/\(name)" }

    /// Deletes the directory and its contents.
    func remove() {
        try? FileManager.default.removeItem(atPath: self.path)
    }
}
