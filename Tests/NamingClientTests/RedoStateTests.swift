import NacosClient
import NacosNamingAPI
import Testing

/// The redo state machine on its own (reference §8.4 and §9 scenario 15, Java's NamingGrpcRedoServiceTest).
@Suite("NamingRedoState")
struct RedoStateTests {
    private let instance = Instance(ip: "10.0.0.1", port: 80)

    @Test(arguments: [
        (true, true, false, NamingRedoType.none),
        (false, true, false, .unregister),
        (true, true, true, .unregister),
        (false, true, true, .unregister),
        (true, false, false, .register),
        (false, false, false, .register),
        (true, false, true, .register),
        (false, false, true, .remove),
    ])
    func flagsGiveTheRedoTypeOfTheReferenceTable(expected: Bool, registered: Bool, unregistering: Bool, type: NamingRedoType) {
        let flags = NamingRedoFlags(expectedRegistered: expected, registered: registered, unregistering: unregistering)
        #expect(flags.redoType == type)
    }

    @Test func aRegistrationGoesThroughRegisterNoneUnregisterRemove() {
        var state = NamingRedoState()
        state.onConnected()
        state.cacheInstanceForRedo(serviceName: "svc", groupName: "G", instance: self.instance)
        #expect(state.pendingTasks() == [.instance(key: "G@@svc", type: .register)])

        state.instanceRegistered(key: "G@@svc", epoch: state.epoch)
        #expect(state.pendingTasks().isEmpty)
        #expect(state.instanceRedoData(serviceName: "svc", groupName: "G")?.flags == NamingRedoFlags(expectedRegistered: true, registered: true))

        state.instanceDeregister(key: "G@@svc")
        #expect(state.pendingTasks() == [.instance(key: "G@@svc", type: .unregister)])
        state.instanceDeregistered(key: "G@@svc")
        #expect(state.pendingTasks() == [.instance(key: "G@@svc", type: .remove)])
        state.removeInstanceForRedo(key: "G@@svc")
        #expect(state.instances.isEmpty)
    }

    @Test func disconnectingMarksEverythingUnregisteredAndReconnectingRedoesIt() {
        var state = NamingRedoState()
        state.onConnected()
        state.cacheInstanceForRedo(serviceName: "a", groupName: "G", instance: self.instance)
        state.cacheSubscriberForRedo(serviceName: "b", groupName: "G", clusters: "")
        state.instanceRegistered(key: "G@@a", epoch: state.epoch)
        state.subscriberRegistered(key: "G@@b@@", epoch: state.epoch)
        #expect(state.pendingTasks().isEmpty)
        #expect(state.isSubscriberRegistered(key: "G@@b@@"))

        state.onDisconnected()
        #expect(!state.isConnected)
        #expect(state.instances.values.allSatisfy { !$0.flags.registered })
        #expect(state.subscribers.values.allSatisfy { !$0.flags.registered })
        // Nothing is attempted while disconnected.
        #expect(state.pendingTasks().isEmpty)

        state.onConnected()
        #expect(state.pendingTasks() == [.instance(key: "G@@a", type: .register), .subscriber(key: "G@@b@@", type: .register)])
    }

    @Test func anAcknowledgementFromAnEarlierConnectionIsIgnored() {
        var state = NamingRedoState()
        state.onConnected()
        state.cacheInstanceForRedo(serviceName: "a", groupName: "G", instance: self.instance)
        let sentIn = state.epoch
        state.onDisconnected()
        state.onConnected()

        state.instanceRegistered(key: "G@@a", epoch: sentIn)

        #expect(state.instances["G@@a"]?.flags.registered == false)
        #expect(state.pendingTasks() == [.instance(key: "G@@a", type: .register)])
    }

    @Test func aDeregistrationCutShortByADisconnectIsRemovedNotResent() {
        var state = NamingRedoState()
        state.onConnected()
        state.cacheInstanceForRedo(serviceName: "a", groupName: "G", instance: self.instance)
        state.instanceRegistered(key: "G@@a", epoch: state.epoch)
        state.instanceDeregister(key: "G@@a")

        state.onDisconnected()
        state.onConnected()

        #expect(state.pendingTasks() == [.instance(key: "G@@a", type: .remove)])
    }

    @Test func aRegistrationAfterADeregistrationIsKeptAndRegistered() {
        var state = NamingRedoState()
        state.onConnected()
        state.cacheInstanceForRedo(serviceName: "a", groupName: "G", instance: self.instance)
        state.instanceRegistered(key: "G@@a", epoch: state.epoch)
        state.instanceDeregister(key: "G@@a")
        state.cacheInstanceForRedo(serviceName: "a", groupName: "G", instance: Instance(ip: "10.0.0.2", port: 80))

        state.removeInstanceForRedo(key: "G@@a")

        #expect(state.instances["G@@a"]?.instances.map(\.ip) == ["10.0.0.2"])
        #expect(state.pendingTasks() == [.instance(key: "G@@a", type: .register)])
    }

    @Test func batchRedoDataReplacesASingleRegistrationOfTheSameService() {
        var state = NamingRedoState()
        state.onConnected()
        state.cacheInstanceForRedo(serviceName: "a", groupName: "G", instance: self.instance)
        state.instanceRegistered(key: "G@@a", epoch: state.epoch)
        let batch = [Instance(ip: "10.0.0.1", port: 80), Instance(ip: "10.0.0.2", port: 80)]

        state.cacheBatchInstancesForRedo(serviceName: "a", groupName: "G", instances: batch)

        let data = try! #require(state.instanceRedoData(serviceName: "a", groupName: "G"))
        #expect(data.isBatch)
        #expect(data.instances == batch)
        #expect(data.registration == .batch(batch))
        #expect(data.flags == NamingRedoFlags())
        #expect(state.instances.count == 1)
        #expect(state.pendingTasks() == [.instance(key: "G@@a", type: .register)])
        state.onDisconnected()
        #expect(state.instances["G@@a"]?.isBatch == true)
    }

    @Test func subscribingAgainKeepsAnAcknowledgedSubscription() {
        var state = NamingRedoState()
        state.onConnected()
        state.cacheSubscriberForRedo(serviceName: "b", groupName: "G", clusters: "")
        state.subscriberRegistered(key: "G@@b@@", epoch: state.epoch)
        state.cacheSubscriberForRedo(serviceName: "b", groupName: "G", clusters: "")
        #expect(state.isSubscriberRegistered(key: "G@@b@@"))

        state.subscriberDeregister(key: "G@@b@@")
        #expect(state.pendingTasks() == [.subscriber(key: "G@@b@@", type: .unregister)])
        // A new subscriber arrives before the unsubscription went out: the record is expected again.
        state.cacheSubscriberForRedo(serviceName: "b", groupName: "G", clusters: "")
        #expect(state.pendingTasks().isEmpty)
        state.subscriberDeregister(key: "G@@b@@")
        state.subscriberDeregistered(key: "G@@b@@")
        state.removeSubscriberForRedo(key: "G@@b@@")
        #expect(state.subscribers.isEmpty)
        #expect(SubscriberRedoData.key(serviceName: "b", groupName: "G", clusters: "A,B") == "G@@b@@A,B")
    }
}
