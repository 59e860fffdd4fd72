#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few file-system and process facts the loader needs, read with plain system calls.
internal enum ConfigurationFileSystem {
    /// The largest configuration file read; a bigger one is refused rather than read into memory.
    static let maxFileBytes = 1024 * 1024

    /// Why a file could not be read.
    struct ReadFailure: Error {
        /// The system's explanation (`No such file or directory`) or the limit exceeded.
        let reason: String
    }

    /// The contents of the file at `path` as UTF-8 (invalid bytes replaced), or why it cannot be read.
    static func read(_ path: String) -> Result<String, ReadFailure> {
        var status = stat()
        guard stat(path, &status) == 0 else { return .failure(ReadFailure(reason: Self.lastError())) }
        guard (status.st_mode & S_IFMT) == S_IFREG else { return .failure(ReadFailure(reason: "not a regular file")) }
        guard Int(status.st_size) <= Self.maxFileBytes else { return .failure(ReadFailure(reason: "larger than \(Self.maxFileBytes) bytes")) }
        guard let file = fopen(path, "rb") else { return .failure(ReadFailure(reason: Self.lastError())) }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if count > 0 { bytes.append(contentsOf: chunk[0..<count]) }
            if bytes.count > Self.maxFileBytes { return .failure(ReadFailure(reason: "larger than \(Self.maxFileBytes) bytes")) }
            if count < chunk.count {
                if ferror(file) != 0 { return .failure(ReadFailure(reason: Self.lastError())) }
                break
            }
        }
        return .success(String(decoding: bytes, as: UTF8.self))
    }

    /// Whether `path` names a regular file this process may read.
    static func isReadableFile(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG && access(path, R_OK) == 0
    }

    /// The process's environment variables.
    static func processEnvironment() -> [String: String] {
        var environment: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                environment[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return environment
    }

    /// The process's working directory (`.` when it cannot be read).
    static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The text of the current `errno`.
    private static func lastError() -> String {
        String(cString: strerror(errno))
    }
}
