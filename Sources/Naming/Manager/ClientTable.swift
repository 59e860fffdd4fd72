import Synchronization

/// The clients of one manager by id, behind a lock; shared by the three client managers.
internal final class ClientTable<C: Client>: Sendable {
    private let clients = Mutex<[String: C]>([:])

    /// The client with `clientId`, or `nil`.
    func client(_ clientId: String) -> C? {
        self.clients.withLock { $0[clientId] }
    }

    /// The client with `clientId`, created by `make` when absent; returns it and whether it was created.
    func clientOrInsert(_ clientId: String, _ make: () -> C) -> (client: C, created: Bool) {
        self.clients.withLock { clients in
            if let existing = clients[clientId] { return (existing, false) }
            let client = make()
            clients[clientId] = client
            return (client, true)
        }
    }

    /// Inserts `client` unless one with its id exists; returns whether it was inserted.
    func insert(_ client: C) -> Bool {
        self.clients.withLock { clients in
            guard clients[client.clientId] == nil else { return false }
            clients[client.clientId] = client
            return true
        }
    }

    /// Removes and returns the client with `clientId`.
    func remove(_ clientId: String) -> C? {
        self.clients.withLock { $0.removeValue(forKey: clientId) }
    }

    /// Every client.
    var all: [C] { self.clients.withLock { Array($0.values) } }

    /// Every client id.
    var ids: [String] { self.clients.withLock { Array($0.keys) } }

    /// How many clients there are.
    var count: Int { self.clients.withLock { $0.count } }

    /// Removes and returns every client `isExpired` says has expired.
    func removeExpired(_ isExpired: (C) -> Bool) -> [C] {
        self.clients.withLock { clients in
            let expired = clients.values.filter(isExpired)
            for client in expired { clients[client.clientId] = nil }
            return expired
        }
    }
}
