import NacosClient
import NacosNamingAPI
import Testing

/// The cache's rules for new data (reference §8.5).
@Suite("ServiceInfoHolder")
struct ServiceInfoHolderTests {
    private func info(_ ports: [Int], at time: Int64, healthy: Bool = true, weight: Double = 1) -> ServiceInfo {
        ServiceInfo(
            name: "svc",
            groupName: "G",
            hosts: ports.map { Instance(ip: "10.0.0.1", port: $0, weight: weight, healthy: healthy) },
            lastRefTime: time
        )
    }

    @Test func newerDataWinsAndOlderDataIsIgnored() {
        let holder = ServiceInfoHolder(pushEmptyProtection: false)
        #expect(holder.process(self.info([80], at: 100)) == .changed(self.info([80], at: 100)))
        #expect(holder.process(self.info([81], at: 99)) == .ignored(.older))
        #expect(holder.serviceInfo(forKey: "G@@svc")?.lastRefTime == 100)
        #expect(holder.process(self.info([80], at: 101)) == .unchanged(self.info([80], at: 101)))
        #expect(holder.process(self.info([80, 81], at: 102)) == .changed(self.info([80, 81], at: 102)))
        // Order does not matter, the set does.
        #expect(holder.process(self.info([81, 80], at: 103)) == .unchanged(self.info([81, 80], at: 103)))
        #expect(holder.process(self.info([], at: 104)) == .changed(self.info([], at: 104)))
        #expect(holder.all.count == 1)
    }

    @Test func missingHostsAndNamesAreAlwaysIgnored() {
        let holder = ServiceInfoHolder(pushEmptyProtection: false)
        var noHosts = self.info([80], at: 100)
        noHosts.hosts = nil
        #expect(holder.process(noHosts) == .ignored(.nilHosts))
        #expect(holder.process(ServiceInfo(name: nil, hosts: [])) == .ignored(.noName))
        #expect(holder.process(ServiceInfo(name: "", hosts: [])) == .ignored(.noName))
        #expect(holder.all.isEmpty)
    }

    @Test func pushEmptyProtectionIgnoresDataWithoutAUsableInstance() {
        let holder = ServiceInfoHolder(pushEmptyProtection: true)
        #expect(holder.process(self.info([80], at: 100)) == .changed(self.info([80], at: 100)))
        #expect(holder.process(self.info([], at: 101)) == .ignored(.emptyProtected))
        #expect(holder.process(self.info([81], at: 102, healthy: false)) == .ignored(.emptyProtected))
        #expect(holder.process(self.info([81], at: 103, weight: 0)) == .ignored(.emptyProtected))
        #expect(holder.serviceInfo(forKey: "G@@svc") == self.info([80], at: 100))
        var allIPs = self.info([], at: 104)
        allIPs.allIPs = true
        #expect(holder.process(allIPs) == .changed(allIPs))
    }
}
