import Foundation
package import NacosNamingAPI
package import NacosTransport
import Synchronization

/// The failover switch and data (Java's `FailoverReactor`, reference §8.5): the switch file
/// `<cacheDirectory>/failover/00-00---000-VIPSRV_FAILOVER_SWITCH-000---00-00` turns failover on when its
/// first line is `1`; while on, queries are answered from the `ServiceInfo` files next to it and change
/// events are held back. The shell calls `refresh()` every `failoverCheckInterval`.
package final class NamingFailoverReactor: Sendable {
    /// The switch file's name.
    package static let switchFileName = "00-00---000-VIPSRV_FAILOVER_SWITCH-000---00-00"

    private struct State {
        var isOn = false
        var data: [String: ServiceInfo] = [:]
    }

    /// The failover directory.
    package let directory: String
    private let logger: NacosLogger
    private let state = Mutex(State())

    /// Creates the reactor of `<cacheDirectory>/failover`; the switch is off until `refresh()` reads it.
    package init(cacheDirectory: String, logger: NacosLogger) {
        self.directory = NamingDiskCache.join(cacheDirectory, "failover")
        self.logger = logger
    }

    /// The switch file's path.
    package var switchFilePath: String { NamingDiskCache.join(self.directory, Self.switchFileName) }

    /// Whether failover is on.
    package var isSwitchOn: Bool { self.state.withLock { $0.isOn } }

    /// The failover data of a service while failover is on.
    package func serviceInfo(forKey key: String) -> ServiceInfo? {
        self.state.withLock { $0.isOn ? $0.data[key] : nil }
    }

    /// Reads the switch file and, when it is on, the failover data.
    ///
    /// - Returns: whether the switch changed.
    @discardableResult
    package func refresh() -> Bool {
        let isOn = Self.readSwitch(at: self.switchFilePath)
        var data: [String: ServiceInfo] = [:]
        if isOn {
            for info in NamingDiskCache.readServiceInfos(in: self.directory, skipping: [Self.switchFileName], logger: self.logger) {
                data[info.groupedName] = info
            }
        }
        let changed = self.state.withLock { state -> Bool in
            defer { state = State(isOn: isOn, data: data) }
            return state.isOn != isOn
        }
        if changed {
            self.logger.info("[naming] failover switch is \(isOn ? "on (\(data.count) services)" : "off")")
        }
        return changed
    }

    /// Whether the file at `path` exists and its first line is `1`.
    private static func readSwitch(at path: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: path) else { return false }
        let text = String(decoding: data, as: UTF8.self)
        let firstLine = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).first ?? ""
        return firstLine.trimmingCharacters(in: .whitespaces) == "1"
    }
}
