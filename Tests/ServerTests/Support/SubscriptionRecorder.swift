import NacosClient
import NacosNamingAPI
import Synchronization

/// Records the instance lists an SDK subscription listener receives.
final class SubscriptionRecorder: Sendable {
    private let events = Mutex<[[String]]>([])

    /// The listener to subscribe with.
    var listener: @Sendable (NamingEvent) -> Void {
        { event in
            let addresses = event.instances.map { "\($0.ip):\($0.port)" }.sorted()
            self.events.withLock { $0.append(addresses) }
        }
    }

    /// The sorted `ip:port` list (duplicates kept) of the last event, or `nil` before the first.
    var lastAddresses: [String]? { self.events.withLock { $0.last } }
}
