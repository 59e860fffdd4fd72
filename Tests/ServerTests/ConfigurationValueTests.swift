import NacosNaming
import NacosRemote
import NacosServer
import NacosTransport
import Testing

@Suite struct ConfigurationValueTests {
    /// The configuration after applying `text` to the key `name`, or `nil` when the value is refused.
    private func applying(_ name: String, _ text: String) -> NacosServerConfiguration? {
        guard let key = NacosServerConfigurationKey.named(name) else {
            Issue.record("no key \(name)")
            return nil
        }
        var configuration = NacosServerConfiguration()
        do {
            try key.apply(text, from: .defaults, to: &configuration)
            return configuration
        } catch {
            return nil
        }
    }

    @Test(arguments: [
        ("500", Duration.milliseconds(500)), ("500ms", .milliseconds(500)), ("5s", .seconds(5)), ("2m", .seconds(120)),
        ("1h", .seconds(3600)), (" 30 S ", .seconds(30)), ("0", .zero), ("180000", .seconds(180)),
    ])
    func durationsAreMillisecondsOrCarryAUnit(text: String, expected: Duration) {
        #expect(self.applying("nacos.naming.push.pushTaskDelay", text)?.naming.pushMergeWindow == expected)
    }

    @Test(arguments: ["", "-5", "5x", "1.5s", "s", "99999999999999999999", "9999999h"])
    func malformedDurationsAreRefused(text: String) {
        #expect(self.applying("nacos.naming.push.pushTaskDelay", text) == nil)
    }

    @Test(arguments: [
        ("1048576", 1_048_576), ("16KiB", 16_384), ("16kb", 16_384), ("16K", 16_384), ("10MiB", 10_485_760),
        ("10MB", 10_485_760), ("1GiB", 1_073_741_824), ("2048B", 2048), ("4 MiB", 4_194_304),
    ])
    func byteSizesTakeBinaryUnits(text: String, expected: Int) {
        #expect(self.applying("nacos.http.max-body-size", text)?.http.maxBodyBytes == expected)
    }

    @Test(arguments: ["ten", "10TB", "-1", "1.5MiB", "2GiB"])
    func malformedOrOversizedByteSizesAreRefused(text: String) {
        #expect(self.applying("nacos.http.max-body-size", text) == nil)
    }

    @Test(arguments: [
        ("true", true), ("TRUE", true), ("True", true), ("yes", true), ("on", true), ("1", true),
        ("false", false), ("FALSE", false), ("no", false), ("Off", false), ("0", false),
    ])
    func booleansInAnyCase(text: String, expected: Bool) {
        #expect(self.applying("nacos.core.param.check.enabled", text)?.naming.paramCheckEnabled == expected)
    }

    @Test func listsAreCommaSeparatedAndTrimmed() {
        let configuration = self.applying("nacos.member.list", " 10.0.0.1:8848 ,, [::1]:8848,node-3.example.com?raft_port=7848 ,")
        #expect(configuration?.memberList == ["10.0.0.1:8848", "[::1]:8848", "node-3.example.com?raft_port=7848"])
        let monitored = self.applying("nacos.remote.server.limit.monitor-ips", "10.0.0.9, 10.0.0.8")
        #expect(monitored?.connections.limitRule.monitorIpList == ["10.0.0.8", "10.0.0.9"])
    }

    @Test func enumerationsIgnoreCase() {
        #expect(self.applying("nacos.log.level", "DEBUG")?.logLevel == .debug)
        #expect(self.applying("server.ssl.client-auth", "Need")?.httpTLS.mutualAuth == true)
        #expect(self.applying("server.ssl.client-auth", "want") == nil)
    }

    @Test func optionalValuesAreUnsetByAnEmptyValue() throws {
        var configuration = NacosServerConfiguration()
        let key = try #require(NacosServerConfigurationKey.named("nacos.inetutils.ip-address"))
        try key.apply("10.0.0.5", from: .defaults, to: &configuration)
        #expect(configuration.advertisedIP == "10.0.0.5")
        try key.apply("", from: .defaults, to: &configuration)
        #expect(configuration.advertisedIP == nil)
        let port = try #require(NacosServerConfigurationKey.named("nacos.remote.server.grpc.sdk.port"))
        try port.apply("9000", from: .defaults, to: &configuration)
        #expect(configuration.clientRpcPort == 9000)
        try port.apply(" ", from: .defaults, to: &configuration)
        #expect(configuration.clientRpcPort == nil)
    }

    @Test func cacheMillisIsReadAsADuration() {
        #expect(self.applying("nacos.naming.push.cache-millis", "3s")?.naming.pushCacheMillis == 3000)
        #expect(self.applying("nacos.naming.push.cache-millis", "2500")?.naming.pushCacheMillis == 2500)
    }

    @Test func everyKeysRenderedValueParsesBackToTheSameConfiguration() throws {
        let configuration = NacosServerConfiguration()
        for key in NacosServerConfigurationKey.all where key.value(in: configuration) == key.defaultValue {
            guard !key.defaultValue.hasPrefix("("), !key.defaultValue.contains("server.port") else { continue }
            var copy = configuration
            try key.apply(key.defaultValue, from: .defaults, to: &copy)
            #expect(key.value(in: copy) == key.defaultValue, "\(key.name) does not round-trip")
        }
    }

    @Test func validateRefusesOutOfRangeValuesSetInCode() {
        var configuration = NacosServerConfiguration()
        configuration.naming.healthCheckFlipThreshold = 0
        #expect {
            try configuration.validate()
        } throws: { error in
            (error as? NacosServerConfigurationError)?.key == "nacos.naming.health.check.flip-threshold"
        }
        #expect(throws: Never.self) { try NacosServerConfiguration().validate() }
    }
}
