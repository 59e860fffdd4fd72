import Foundation
package import NacosNamingAPI
package import NacosTransport
import Synchronization

/// The disk snapshot of the client's cache (Java's `DiskCache`): one JSON file of `ServiceInfo` per
/// grouped service under `<cacheDirectory>/naming/<namespace>/`, written atomically when a service
/// changes and read back at start when asked.
package final class NamingDiskCache: Sendable {
    /// The directory holding this namespace's files.
    package let directory: String
    private let logger: NacosLogger
    /// The `lastRefTime` last written per key, so a late writer never replaces newer data.
    private let written = Mutex<[String: Int64]>([:])

    /// Creates the snapshot of `namespace` under `cacheDirectory`; nothing is touched until a write.
    package init(cacheDirectory: String, namespace: String, logger: NacosLogger) {
        self.directory = Self.join(cacheDirectory, "naming", NamingFileNames.encode(namespace))
        self.logger = logger
    }

    /// The file that holds `key`'s data.
    package func filePath(forKey key: String) -> String {
        Self.join(self.directory, NamingFileNames.encode(key))
    }

    /// Writes `info` to its file, unless newer data was written already; failures are logged.
    package func write(_ info: ServiceInfo) {
        let key = info.groupedName
        self.written.withLock { written in
            if let last = written[key], last > info.lastRefTime { return }
            do {
                try FileManager.default.createDirectory(atPath: self.directory, withIntermediateDirectories: true)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
                let data = try encoder.encode(info)
                try data.write(to: URL(fileURLWithPath: self.filePath(forKey: key)), options: .atomic)
                written[key] = info.lastRefTime
            } catch {
                self.logger.warning("[naming] cannot write the cache file of \(key) in \(self.directory): \(error)")
            }
        }
    }

    /// Every service whose file decodes; unreadable files are logged and skipped.
    package func readAll() -> [ServiceInfo] {
        Self.readServiceInfos(in: self.directory, skipping: [], logger: self.logger)
    }

    /// The `ServiceInfo` files of `directory` (except `skipping`), each keyed by the name inside it or,
    /// when the file names no service, by its decoded file name.
    package static func readServiceInfos(in directory: String, skipping: Set<String>, logger: NacosLogger) -> [ServiceInfo] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var result: [ServiceInfo] = []
        for name in names.sorted() where !skipping.contains(name) && !name.hasPrefix(".") {
            let path = Self.join(directory, name)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            do {
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                var info = try JSONDecoder().decode(ServiceInfo.self, from: data)
                if info.name?.isEmpty ?? true {
                    let (group, service) = NamingDefaults.splitGroupedName(NamingFileNames.decode(name))
                    info.name = service
                    info.groupName = group
                }
                result.append(info)
            } catch {
                logger.warning("[naming] skipping unreadable cache file \(path): \(error)")
            }
        }
        return result
    }

    /// `parts` joined with `/`.
    package static func join(_ parts: String...) -> String {
        var result = ""
        for part in parts where !part.isEmpty {
            if result.isEmpty {
                result = part
            } else {
                result += (result.hasSuffix("/") ? "" : "/") + part
            }
        }
        return result
    }
}
