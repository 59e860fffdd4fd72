import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import NacosTransport
import Testing

/// Beats of ephemeral ip:port instances and active checks of persistent ones (reference §6.6, §6.7;
/// §9 scenario 12).
@Suite("Health checks")
struct HealthCheckTests {
    let service = Service(namespace: nil, group: nil, name: "beats")

    @Test("no beat for 15 s ⇒ unhealthy but kept when expireInstance is off (scenario 12)")
    func unhealthyButKept() throws {
        var configuration = NamingConfiguration()
        configuration.expireInstance = false
        let fixture = RegistryFixture(configuration: configuration)
        try fixture.registry.operations.registerIpPortInstance(RegistryFixture.instance("10.0.0.1", 80), service: self.service)
        fixture.clock.advance(by: .seconds(15))
        #expect(fixture.registry.beatChecker.checkOnce(now: fixture.clock.nowMillis()).markedUnhealthy.isEmpty)
        fixture.clock.advance(by: .milliseconds(1))
        #expect(fixture.registry.beatChecker.checkOnce(now: fixture.clock.nowMillis()).markedUnhealthy == ["10.0.0.1:80"])
        fixture.clock.advance(by: .seconds(60))
        let outcome = fixture.registry.beatChecker.checkOnce(now: fixture.clock.nowMillis())
        #expect(outcome.removed.isEmpty && outcome.markedUnhealthy.isEmpty)
        let instances = fixture.registry.storage.instances(of: self.service)
        #expect(instances.count == 1 && instances.first?.healthy == false)
    }

    @Test("no beat for 30 s ⇒ removed when expireInstance is on; a beat revives an unhealthy instance")
    func removedAfterDeleteTimeout() throws {
        let fixture = RegistryFixture()
        let operations = fixture.registry.operations
        try operations.registerIpPortInstance(RegistryFixture.instance("10.0.0.1", 80), service: self.service)
        fixture.clock.advance(by: .seconds(16))
        fixture.registry.beatChecker.checkOnce(now: fixture.clock.nowMillis())
        #expect(fixture.registry.storage.instances(of: self.service).first?.healthy == false)
        #expect(operations.beat(service: self.service, ip: "10.0.0.1", port: 80, cluster: nil))
        #expect(fixture.registry.storage.instances(of: self.service).first?.healthy == true)
        #expect(!operations.beat(service: self.service, ip: "10.0.0.1", port: 81, cluster: nil))
        fixture.clock.advance(by: .seconds(31))
        #expect(fixture.registry.beatChecker.checkOnce(now: fixture.clock.nowMillis()).removed == ["10.0.0.1:80"])
        #expect(fixture.registry.storage.instances(of: self.service).isEmpty)
    }

    @Test("metadata preserved.heart.beat.timeout overrides the 15 s default")
    func metadataTimeout() throws {
        let fixture = RegistryFixture()
        let metadata = ["preserved.heart.beat.timeout": "500", "preserved.heart.beat.interval": "100"]
        try fixture.registry.operations.registerIpPortInstance(RegistryFixture.instance("10.0.0.1", 80, metadata: metadata), service: self.service)
        fixture.clock.advance(by: .milliseconds(501))
        #expect(fixture.registry.beatChecker.checkOnce(now: fixture.clock.nowMillis()).markedUnhealthy == ["10.0.0.1:80"])
    }

    @Test("a persistent instance flips only after 3 consecutive opposite results")
    func persistentFlip() async throws {
        let fixture = RegistryFixture()
        let db = Service(namespace: nil, group: nil, name: "db", ephemeral: false)
        try await fixture.registry.operations.registerPersistentInstance(Instance(ip: "10.0.0.7", port: 3306, ephemeral: false), service: db)
        let checker = fixture.registry.healthChecker
        fixture.prober.set("10.0.0.7:3306", answers: false)
        #expect(await checker.checkOnce().isEmpty)
        #expect(await checker.checkOnce().isEmpty)
        fixture.prober.set("10.0.0.7:3306", answers: true)
        #expect(await checker.checkOnce().isEmpty)
        fixture.prober.set("10.0.0.7:3306", answers: false)
        #expect(await checker.checkOnce().isEmpty)
        #expect(await checker.checkOnce().isEmpty)
        #expect(await checker.checkOnce() == ["10.0.0.7:3306"])
        #expect(fixture.registry.storage.instances(of: db).first?.healthy == false)
        fixture.prober.set("10.0.0.7:3306", answers: true)
        for _ in 0..<2 { #expect(await checker.checkOnce().isEmpty) }
        #expect(await checker.checkOnce() == ["10.0.0.7:3306"])
        #expect(fixture.registry.storage.instances(of: db).first?.healthy == true)
        #expect(fixture.prober.probeCount == 9)
    }

    @Test("the TCP prober sees a listening port as up and a closed one as down")
    func tcpProber() async throws {
        try await withEventLoopGroup { group in
            let transport = NacosTCPTransport(group: group)
            let listener = try await transport.listen(on: .loopbackIPv4(port: 0), acceptor: { connection in connection.close(flush: false) })
            let port = listener.localAddress.port
            let prober = TCPHealthProber(transport: transport)
            #expect(await prober.probe(ip: "127.0.0.1", port: port, timeout: .seconds(2)))
            await listener.close()
            #expect(!(await prober.probe(ip: "127.0.0.1", port: port, timeout: .seconds(2))))
            #expect(!(await prober.probe(ip: "not an ip", port: port, timeout: .seconds(2))))
        }
    }
}
