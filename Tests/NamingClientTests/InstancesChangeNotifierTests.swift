import NacosClient
import NacosNamingAPI
import Testing

/// Per-listener change detection, cluster filtering and ordering.
@Suite("InstancesChangeNotifier")
struct InstancesChangeNotifierTests {
    private func info(_ instances: [Instance], at time: Int64) -> ServiceInfo {
        ServiceInfo(name: "svc", groupName: "G", hosts: instances, lastRefTime: time)
    }

    private func subscribe(
        _ notifier: InstancesChangeNotifier,
        clusters: [String] = [],
        initial: ServiceInfo? = nil
    ) -> (NamingSubscription, AsyncStream<NamingEvent>) {
        let subscription = NamingSubscription(id: notifier.nextSubscriptionId(), serviceName: "svc", groupName: "G", clusters: clusters)
        let (stream, sink) = AsyncStream.makeStream(of: NamingEvent.self)
        notifier.add(subscription, sink: sink, initial: initial)
        return (subscription, stream)
    }

    private func drain(_ stream: AsyncStream<NamingEvent>) async -> [[String]] {
        var result: [[String]] = []
        for await event in stream { result.append(event.instances.map(\.inetAddress).sorted()) }
        return result
    }

    @Test func listenersHearFirstDataAndThenOnlyChangesOfTheirClusters() async {
        let notifier = InstancesChangeNotifier()
        let a1 = Instance(ip: "10.0.0.1", port: 80, clusterName: "A")
        let b1 = Instance(ip: "10.0.0.2", port: 80, clusterName: "B")
        let b2 = Instance(ip: "10.0.0.3", port: 80, clusterName: "B")
        notifier.receive(self.info([a1], at: 1), notify: true)
        let (allSubscription, all) = self.subscribe(notifier)
        let (aSubscription, inA) = self.subscribe(notifier, clusters: ["A"])
        let (_, inB) = self.subscribe(notifier, clusters: ["B"])

        notifier.receive(self.info([a1, b1], at: 2), notify: true)
        notifier.receive(self.info([b1, a1], at: 3), notify: true)  // the same set
        notifier.receive(self.info([a1, b1], at: 1), notify: true)  // older
        notifier.receive(self.info([a1, b2], at: 4), notify: true)
        notifier.receive(self.info([b2], at: 5), notify: true)
        #expect(notifier.listenerCount(forKey: "G@@svc") == 3)
        #expect(notifier.remove(aSubscription) == 2)
        #expect(notifier.remove(aSubscription) == nil)
        #expect(notifier.remove(allSubscription) == 1)
        notifier.finishAll()

        #expect(await self.drain(all) == [["10.0.0.1:80"], ["10.0.0.1:80", "10.0.0.2:80"], ["10.0.0.1:80", "10.0.0.3:80"], ["10.0.0.3:80"]])
        // The A listener is told only when A's instances change: here when the last one left.
        #expect(await self.drain(inA) == [["10.0.0.1:80"], []])
        // The B listener's first data is the empty set of B instances.
        #expect(await self.drain(inB) == [[], ["10.0.0.2:80"], ["10.0.0.3:80"]])
    }

    @Test func heldBackChangesAreDeliveredByNotifyAll() async {
        let notifier = InstancesChangeNotifier()
        let failoverData = self.info([Instance(ip: "10.9.9.9", port: 1)], at: 1)
        notifier.receive(self.info([Instance(ip: "10.0.0.1", port: 80)], at: 1), notify: true)
        let (_, events) = self.subscribe(notifier, initial: failoverData)
        notifier.receive(self.info([Instance(ip: "10.0.0.2", port: 80)], at: 2), notify: false)
        #expect(notifier.latest(forKey: "G@@svc")?.lastRefTime == 2)

        notifier.notifyAll()
        notifier.notifyAll()
        notifier.finishAll()

        #expect(await self.drain(events) == [["10.9.9.9:1"], ["10.0.0.2:80"]])
        // A finished notifier refuses listeners and ends their streams.
        let (_, late) = self.subscribe(notifier)
        #expect(await self.drain(late).isEmpty)
    }

    @Test func removeAllMatchesClustersInAnyOrder() {
        let notifier = InstancesChangeNotifier()
        _ = self.subscribe(notifier, clusters: ["A", "B"])
        _ = self.subscribe(notifier, clusters: ["B", "A"])
        _ = self.subscribe(notifier, clusters: ["A"])

        let (removed, remaining) = notifier.removeAll(serviceName: "svc", groupName: "G", clusters: ["B", "A"])

        #expect(removed.count == 2)
        #expect(remaining == 1)
        #expect(notifier.removeAll(serviceName: "svc", groupName: "G", clusters: ["A"]).remaining == 0)
        #expect(notifier.listenerCount(forKey: "G@@svc") == 0)
    }
}
