/// What happened in the registry (reference §6.4), delivered in order by `RegistryEventBus`.
public enum RegistryEvent: Sendable, Equatable, CustomStringConvertible {
    /// A client's publications changed (register, deregister, health flip): Distro replicates it.
    case clientChanged(clientId: String)
    /// A client went away (connection closed, expired): Distro deletes it on peers.
    case clientDisconnect(clientId: String, isNative: Bool)
    /// A client was released; its index entries are already gone.
    case clientRelease(clientId: String, isNative: Bool)
    /// A client published instances of a service.
    case clientRegisterService(Service, clientId: String)
    /// A client withdrew its instances of a service.
    case clientDeregisterService(Service, clientId: String)
    /// A client subscribed to a service.
    case clientSubscribeService(Service, clientId: String)
    /// A client unsubscribed from a service.
    case clientUnsubscribeService(Service, clientId: String)
    /// A service's instances changed: every subscriber is pushed.
    case serviceChanged(Service, incrementRevision: Bool)
    /// A client subscribed to a service for the first time: only that client is pushed.
    case serviceSubscribed(Service, clientId: String)

    /// The Java event class name, for logs.
    public var name: String {
        switch self {
        case .clientChanged: "ClientChangedEvent"
        case .clientDisconnect: "ClientDisconnectEvent"
        case .clientRelease: "ClientReleaseEvent"
        case .clientRegisterService: "ClientRegisterServiceEvent"
        case .clientDeregisterService: "ClientDeregisterServiceEvent"
        case .clientSubscribeService: "ClientSubscribeServiceEvent"
        case .clientUnsubscribeService: "ClientUnsubscribeServiceEvent"
        case .serviceChanged: "ServiceChangedEvent"
        case .serviceSubscribed: "ServiceSubscribedEvent"
        }
    }

    /// The event name and its subject.
    public var description: String {
        switch self {
        case .clientChanged(let id), .clientDisconnect(let id, _), .clientRelease(let id, _):
            "\(self.name)(\(id))"
        case .clientRegisterService(let service, let id), .clientDeregisterService(let service, let id),
            .clientSubscribeService(let service, let id), .clientUnsubscribeService(let service, let id),
            .serviceSubscribed(let service, let id):
            "\(self.name)(\(service.groupedServiceName), \(id))"
        case .serviceChanged(let service, _):
            "\(self.name)(\(service.groupedServiceName))"
        }
    }
}
