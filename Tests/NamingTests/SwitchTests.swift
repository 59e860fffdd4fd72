import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import NacosTransport
import Testing

/// The naming switches (Nacos's `SwitchDomain` and `SwitchManager`): defaults, JSON, updates and their
/// errors, and that the registry acts on them live.
@Suite("Switches")
struct SwitchTests {
    let service = Service(namespace: nil, group: nil, name: "switched")

    @Test("defaults are Nacos's, and the configuration gives the initial values")
    func defaults() {
        let domain = SwitchDomain()
        #expect(domain.defaultPushCacheMillis == 10_000 && domain.clientBeatInterval == 5_000 && domain.defaultCacheMillis == 3_000)
        #expect(domain.healthCheckEnabled && domain.distroEnabled && domain.pushEnabled && domain.lightBeatEnabled)
        #expect(domain.checkTimes == 3 && domain.defaultInstanceEphemeral)
        #expect(domain.pushJavaVersion == "0.1.0" && domain.pushGoVersion == "0.1.0" && domain.pushPythonVersion == "0.4.3")
        #expect(domain.pushCVersion == "1.0.12" && domain.pushCSharpVersion == "0.9.0")
        var configuration = NamingConfiguration()
        configuration.pushEnabled = false
        configuration.healthCheckFlipThreshold = 5
        configuration.clientBeatInterval = .seconds(7)
        configuration.defaultInstanceEphemeral = false
        let fixture = RegistryFixture(configuration: configuration)
        let current = fixture.registry.switches.current
        #expect(!current.pushEnabled && current.checkTimes == 5 && current.clientBeatInterval == 7_000 && !current.defaultInstanceEphemeral)
    }

    @Test("the JSON has Java's getter names and values")
    func json() throws {
        var domain = SwitchDomain()
        domain.masters = ["10.0.0.1"]
        let object = try NacosJSONParser.parseObject(NacosByteBuffer(bytes: domain.jsonBytes))
        #expect(try object.integer("defaultPushCacheMillis", as: Int64.self) == 10_000)
        #expect(try object.integer("clientBeatInterval", as: Int64.self) == 5_000)
        #expect(try object.bool("healthCheckEnabled") == true && object.bool("pushEnabled") == true)
        #expect(try object.integer("checkTimes") == 3)
        #expect(try object.double("distroThreshold") == 0.7)
        #expect(try object.string("pushCSharpVersion") == "0.9.0")
        #expect(try object.object("tcpHealthParams")?.double("factor") == 0.75)
        #expect(try object.strings("masters") == ["10.0.0.1"])
        #expect(try object.string("name") == SwitchDomain.name)
        #expect(object["overriddenServerStatus"] == nil, "null fields are left out")
        let text = String(decoding: domain.jsonBytes, as: UTF8.self)
        #expect(text.contains("\"distroThreshold\":0.7,"))
    }

    @Test("updates use Nacos's entry names and field-name aliases")
    func updates() throws {
        let switches = NamingSwitches()
        try switches.update(entry: "check", value: "false")
        try switches.update(entry: "pushEnabled", value: "FALSE")
        try switches.update(entry: "clientBeatInterval", value: "3000")
        try switches.update(entry: "pushVersion", value: "java:1.2.3")
        try switches.update(entry: "healthCheckTimes", value: "5")
        try switches.update(entry: "pushCacheMillis", value: "20000")
        try switches.update(entry: "distroEnabled", value: "false")
        try switches.update(entry: "tcpHealthParams", value: #"{"max":6000,"factor":0.5}"#)
        try switches.update(entry: "overriddenServerStatus", value: "DOWN")
        try switches.update(entry: "limitedUrlMap", value: "/a:503,/b:429")
        let current = switches.current
        #expect(!current.healthCheckEnabled && !current.pushEnabled && current.clientBeatInterval == 3_000)
        #expect(current.pushJavaVersion == "1.2.3" && current.checkTimes == 5 && current.defaultPushCacheMillis == 20_000)
        #expect(!current.distroEnabled && current.overriddenServerStatus == "DOWN")
        #expect(current.tcpHealthParams == SwitchDomain.HealthParams(max: 6_000, min: 1_000, factor: 0.5))
        #expect(current.limitedUrlMap == ["/a": 503, "/b": 429])
    }

    @Test("an unknown entry or a bad value is a 400 and changes nothing", arguments: [
        ("nope", "1", "unknown switch entry: nope"),
        ("pushEnabled", "yes", "illegal value for pushEnabled, it should be true or false, got: yes"),
        ("pushCacheMillis", "5000", "min cache time for http or tcp is too small(<10000)"),
        ("defaultCacheMillis", "999", "min default cache time  is too small(<1000)"),
        ("clientBeatInterval", "abc", "illegal value for clientBeatInterval, it should be an integer, got: abc"),
        ("pushVersion", "java:1.2", "illegal version, must match: [0-9]+\\.[0-9]+\\.[0-9]+"),
        ("pushVersion", "ruby:1.2.3", "unsupported client type: ruby"),
        ("distroThreshold", "0", "distroThreshold can not be zero or negative: 0"),
        ("healthCheckTimes", "0", "healthCheckTimes must be between 1 and 1000: 0"),
        ("httpHealthParams", "{", "json param invalid."),
        ("httpHealthParams", #"{"min":100}"#, "min check time for http or tcp is too small(<500)"),
        ("limitedUrlMap", "/a", "invalid input for limited urls"),
    ])
    func badUpdates(entry: String, value: String, message: String) {
        let switches = NamingSwitches()
        #expect(throws: NacosException(.invalidParam, message)) {
            try switches.update(entry: entry, value: value)
        }
        #expect(switches.current == SwitchDomain())
    }

    @Test("UDP push eligibility follows the agent and the push-version switches")
    func agents() throws {
        #expect(NamingClientAgent("Nacos-Java-Client:v1.4.1").kind == .java)
        #expect(NamingClientAgent("Nacos-Java-Client:v1.4.1").version == NamingClientAgent.Version("1.4.1"))
        #expect(NamingClientAgent("vip-client4cpp:v1.0.0").kind == .c)
        #expect(NamingClientAgent("Nacos-CSharp-Client:v0.9.0").kind == .csharp)
        #expect(NamingClientAgent("Nacos-Java-Client:v1.4.1-SNAPSHOT").version < NamingClientAgent.Version("1.4.1"))
        #expect(NamingClientAgent("curl/8.0").kind == .unknown)
        var domain = SwitchDomain()
        #expect(domain.canEnablePush(agent: "Nacos-Java-Client:v1.4.1"))
        #expect(domain.canEnablePush(agent: "Nacos-Go-Client:v2.0.0"))
        #expect(!domain.canEnablePush(agent: "Nacos-C-Client:v1.0.11"))
        #expect(domain.canEnablePush(agent: "Nacos-DNS:v0.4.3"))
        #expect(!domain.canEnablePush(agent: "Nacos-Php-Client:v9.9.9"))
        #expect(!domain.canEnablePush(agent: "Nacos-Java-Client"))
        try domain.update(entry: "pushVersion", value: "java:2.0.0")
        #expect(!domain.canEnablePush(agent: "Nacos-Java-Client:v1.4.1"))
        domain.pushEnabled = false
        #expect(!domain.canEnablePush(agent: "Nacos-Go-Client:v2.0.0"))
    }

    @Test("pushEnabled acts live: off queues and sends nothing, on again pushes")
    func pushSwitch() async throws {
        var configuration = NamingConfiguration()
        configuration.pushMergeWindow = .milliseconds(10)
        let fixture = RegistryFixture(configuration: configuration)
        fixture.connectionClient("s1")
        try fixture.registry.operations.subscribeService(self.service, subscriber: RegistryFixture.subscriber(self.service), clientId: "s1")
        let push = fixture.registry.push
        push.handle(.serviceChanged(self.service, incrementRevision: true))
        #expect(push.pendingTasks.count == 1)
        try fixture.registry.switches.update(entry: "pushEnabled", value: "false")
        fixture.clock.advance(by: .milliseconds(10))
        #expect(push.pendingTasks.isEmpty, "the due task was dropped")
        push.handle(.serviceChanged(self.service, incrementRevision: true))
        #expect(push.pendingTasks.isEmpty)
        try fixture.registry.switches.update(entry: "pushEnabled", value: "true")
        push.handle(.serviceChanged(self.service, incrementRevision: true))
        fixture.clock.advance(by: .milliseconds(10))
        try await waitUntil("pushed once switched on") { fixture.executor.pushes(to: "s1").count == 1 }
        #expect(fixture.executor.attempts(to: "s1") == 1)
    }

    @Test("healthCheckEnabled acts live on beat checks and persistent checks; checkTimes sets the flip count")
    func healthSwitch() async throws {
        let fixture = RegistryFixture()
        let registry = fixture.registry
        try registry.operations.registerIpPortInstance(RegistryFixture.instance("10.0.0.1", 80), service: self.service)
        let db = Service(namespace: nil, group: nil, name: "db", ephemeral: false)
        try await registry.operations.registerPersistentInstance(Instance(ip: "10.0.0.7", port: 3306, ephemeral: false), service: db)
        try registry.switches.update(entry: "check", value: "false")
        fixture.clock.advance(by: .seconds(16))
        let outcome = registry.beatChecker.checkOnce(now: fixture.clock.nowMillis())
        #expect(outcome.markedUnhealthy.isEmpty && outcome.removed.isEmpty)
        #expect(await registry.healthChecker.checkOnce().isEmpty)
        #expect(fixture.prober.probeCount == 0)
        try registry.switches.update(entry: "check", value: "true")
        try registry.switches.update(entry: "healthCheckTimes", value: "1")
        #expect(registry.beatChecker.checkOnce(now: fixture.clock.nowMillis()).markedUnhealthy == ["10.0.0.1:80"])
        #expect(await registry.healthChecker.checkOnce() == ["10.0.0.7:3306"], "one failed probe flips it")
        #expect(fixture.prober.probeCount == 1)
    }

    @Test("defaultPushCacheMillis is the cacheMillis of ServiceInfo")
    func cacheMillis() throws {
        let fixture = RegistryFixture()
        try fixture.registry.switches.update(entry: "pushCacheMillis", value: "12345")
        let info = fixture.registry.storage.serviceInfo(of: self.service, clusters: [], healthyOnly: false, now: 0)
        #expect(info.cacheMillis == 12_345)
    }
}
