#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes `contents` to a new file at `path`; returns whether it worked.
func writeFile(_ path: String, _ contents: String) -> Bool {
    guard let file = fopen(path, "wb") else { return false }
    defer { fclose(file) }
    let bytes = Array(contents.utf8)
    return bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) } == bytes.count
}

/// Removes the file at `path`, if any.
func removeFile(_ path: String) {
    unlink(path)
}

/// A fresh path under /tmp for a test file.
func temporaryPath(_ suffix: String) -> String {
    "/tmp/nacos-config-test-\(UInt64.random(in: 0...UInt64.max))-\(suffix)"
}
