/// A pending push of one service (Nacos's `PushDelayTask`): to every subscriber, or to some clients, due
/// at `dueMillis`.
public struct PushDelayTask: Sendable, Equatable {
    /// The service whose data is pushed.
    public let service: Service
    /// Whether every subscriber is pushed (`targetClients` is then empty).
    public private(set) var pushToAll: Bool
    /// The clients pushed when not `pushToAll`.
    public private(set) var targetClients: Set<String>
    /// When the push is due, in epoch milliseconds.
    public private(set) var dueMillis: Int64

    /// A push of `service` to every subscriber, due at `dueMillis`.
    public static func all(_ service: Service, dueMillis: Int64) -> PushDelayTask {
        PushDelayTask(service: service, pushToAll: true, targetClients: [], dueMillis: dueMillis)
    }

    /// A push of `service` to `clients` only, due at `dueMillis`.
    public static func targeted(_ service: Service, clients: Set<String>, dueMillis: Int64) -> PushDelayTask {
        PushDelayTask(service: service, pushToAll: false, targetClients: clients, dueMillis: dueMillis)
    }

    /// Merges a later task of the same service into this one: push-to-all wins, targets are united, and the
    /// earlier due time stays, so a push is never put off by later changes.
    public mutating func merge(_ other: PushDelayTask) {
        if self.pushToAll || other.pushToAll {
            self.pushToAll = true
            self.targetClients = []
        } else {
            self.targetClients.formUnion(other.targetClients)
        }
        self.dueMillis = min(self.dueMillis, other.dueMillis)
    }
}
