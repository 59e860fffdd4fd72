package import NacosNamingAPI
import Synchronization

/// The client's cache of service data keyed by grouped name (Java's `ServiceInfoHolder`, reference §8.5):
/// it keeps the newest data of every service it heard of and says whether new data changed anything.
///
/// Data without `hosts`, data older than what is cached (by `lastRefTime`) and, under push-empty
/// protection, data without a healthy, positively weighted instance are ignored.
package final class ServiceInfoHolder: Sendable {
    /// Why data was not stored.
    package enum IgnoreReason: Sendable, Equatable {
        /// The data names no service.
        case noName
        /// `hosts` is `null`.
        case nilHosts
        /// Push-empty protection is on and no instance is usable.
        case emptyProtected
        /// The cache holds newer data.
        case older
    }

    /// What `process(_:)` did with new data.
    package enum Outcome: Sendable, Equatable {
        /// The data was not stored.
        case ignored(IgnoreReason)
        /// The data was stored; the instance set is the same as before.
        case unchanged(ServiceInfo)
        /// The data was stored and its instance set differs from before (or the service is new).
        case changed(ServiceInfo)
    }

    /// Whether push-empty protection is on.
    package let pushEmptyProtection: Bool
    private let cache = Mutex<[String: ServiceInfo]>([:])

    /// Creates an empty cache.
    package init(pushEmptyProtection: Bool) {
        self.pushEmptyProtection = pushEmptyProtection
    }

    /// The cached data of a service, by grouped name.
    package func serviceInfo(forKey key: String) -> ServiceInfo? {
        self.cache.withLock { $0[key] }
    }

    /// Every cached service.
    package var all: [ServiceInfo] {
        self.cache.withLock { Array($0.values) }
    }

    /// Why `info` would be ignored whatever is cached, or `nil` when it is acceptable.
    package func rejection(of info: ServiceInfo) -> IgnoreReason? {
        guard let name = info.name, !name.isEmpty else { return .noName }
        guard info.hosts != nil else { return .nilHosts }
        if self.pushEmptyProtection, !info.hasUsableHosts { return .emptyProtected }
        return nil
    }

    /// Stores `info` unless it is ignored, and says whether the instance set changed.
    package func process(_ info: ServiceInfo) -> Outcome {
        if let reason = self.rejection(of: info) { return .ignored(reason) }
        let key = info.groupedName
        return self.cache.withLock { cache in
            let old = cache[key]
            if let old, old.lastRefTime > info.lastRefTime { return .ignored(.older) }
            cache[key] = info
            guard let old else { return .changed(info) }
            return Set(old.instances) == Set(info.instances) ? .unchanged(info) : .changed(info)
        }
    }
}
