import NacosNaming
import NacosRemote
import NacosServer
import NacosTransport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct ConfigurationDocsTests {
    /// docs/configuration.md, found from this file's path.
    private static func configurationDoc(filePath: String = #filePath) throws -> String {
        let root = filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast(3).joined(separator: "/")
        let path = root + "/docs/configuration.md"
        guard let file = fopen(path, "rb") else { throw DocMissing(path: path) }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            bytes.append(contentsOf: chunk[0..<count])
            if count < chunk.count { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// docs/configuration.md could not be opened.
    struct DocMissing: Error, CustomStringConvertible {
        let path: String
        var description: String { "cannot open \(self.path)" }
    }

    @Test func everyKeyAppearsInTheDocWithItsDefaultAndEnvironmentVariable() throws {
        let doc = try Self.configurationDoc()
        let rows = doc.split(separator: "\n").filter { $0.hasPrefix("| `") }
        for key in NacosServerConfigurationKey.all {
            let row = rows.first { $0.hasPrefix("| `\(key.name)`") }
            #expect(row != nil, "docs/configuration.md has no row for \(key.name)")
            guard let row else { continue }
            #expect(row.contains("`\(key.defaultValue)`"), "the row of \(key.name) does not show its default \(key.defaultValue)")
            #expect(row.contains("`\(key.environmentVariable)`"), "the row of \(key.name) does not show \(key.environmentVariable)")
            let type = if case .enumeration = key.type { "enum" } else { key.type.description }
            #expect(row.contains("| \(type) |"), "the row of \(key.name) does not show its type \(type)")
        }
        let documented = rows.compactMap { $0.split(separator: "`").dropFirst().first.map(String.init) }
        for name in documented where name.contains(".") {
            #expect(NacosServerConfigurationKey.named(name) != nil, "docs/configuration.md documents \(name), which is no key")
        }
    }

    @Test func defaultsAreTheDocumentedOnes() {
        let configuration = NacosServerConfiguration()
        #expect(configuration.httpPort == 8848)
        #expect(configuration.ports.clientRpc == 9848)
        #expect(configuration.ports.clusterRpc == 9849)
        #expect(configuration.http == NacosServerHTTPLimits())
        #expect(configuration.http.maxHeaderBytes == 16 * 1024)
        #expect(configuration.http.maxBodyBytes == 10 * 1024 * 1024)
        #expect(configuration.http.requestTimeout == .seconds(30))
        #expect(configuration.http.idleTimeout == .seconds(60))
        #expect(configuration.http.maxConnections == 10_000)
        #expect(configuration.http.maxPipelinedRequests == 16)
        #expect(configuration.udpPush.enabled)
        #expect(configuration.udpPush.ackTimeout == .seconds(10))
        #expect(configuration.rpc.clientMaxFrameLength == 10 * 1024 * 1024)
        let documented = [
            "server.port": "8848", "nacos.remote.server.grpc.sdk.port": "server.port + 1000", "nacos.standalone": "true",
            "nacos.log.level": "info", "nacos.server.shutdown.grace-period": "10s", "server.address": "0.0.0.0",
            "nacos.naming.client.expired.time": "3m", "nacos.naming.clean.empty-service.interval": "1m",
            "nacos.naming.push.pushTaskDelay": "1ms", "nacos.remote.server.ejector.keep-alive-time": "20s",
            "nacos.remote.server.grpc.sdk.max-inbound-message-size": "10MiB", "server.max-http-header-size": "16KiB",
            "nacos.remote.server.rpc.tls.compatibility": "true", "nacos.http.tls.compatibility": "false",
            "server.ssl.client-auth": "none", "nacos.remote.server.limit.count": "-1",
            "nacos.core.protocol.distro.data.sync.delayMs": "20ms", "nacos.core.protocol.distro.data.load.retryDelayMs": "1s",
            "nacos.core.member.fail-access-cnt": "3", "nacos.core.member.report.interval-ms": "2s",
            "nacos.core.loader.auto-rebalance.enabled": "false", "nacos.core.loader.auto-rebalance.factor": "0.1",
            "nacos.home": "(working directory)", "nacos.member.cluster-conf": "${nacos.home}/conf/cluster.conf",
        ]
        for (name, value) in documented {
            #expect(NacosServerConfigurationKey.named(name)?.defaultValue == value, "\(name)")
            #expect(NacosServerConfigurationKey.named(name)?.value(in: configuration) == value, "\(name)")
        }
    }

    @Test func everyNamingConfigurationFieldHasAKey() throws {
        // Setting every naming key to a value other than its default must change every field of
        // NamingConfiguration; a field added without a key fails here.
        var file = ""
        for key in NacosServerConfigurationKey.all where key.section == .naming && !key.name.contains(".udp.") {
            file += "\(key.name)=\(Self.otherValue(for: key))\n"
        }
        let (configuration, _) = try ConfigurationLoaderTests.run(["--config", "n"], files: ["n": file])
        let defaults = Mirror(reflecting: NamingConfiguration()).children
        let loaded = Mirror(reflecting: configuration.naming).children
        for (original, changed) in zip(defaults, loaded) {
            #expect(String(describing: original.value) != String(describing: changed.value), "NamingConfiguration.\(original.label ?? "?") has no key")
        }
    }

    @Test func everyKeyChangesTheConfiguration() throws {
        for key in NacosServerConfigurationKey.all {
            var configuration = NacosServerConfiguration()
            try key.apply(Self.otherValue(for: key), from: .defaults, to: &configuration)
            #expect(key.value(in: configuration) != key.defaultValue, "\(key.name) changes nothing")
        }
    }

    /// A valid value of `key` that differs from its default.
    private static func otherValue(for key: NacosServerConfigurationKey) -> String {
        switch key.type {
        case .bool: key.defaultValue == "true" ? "false" : "true"
        case .duration: key.defaultValue == "7ms" ? "8ms" : "7ms"
        case .bytes: key.defaultValue == "64KiB" ? "32KiB" : "64KiB"
        case .number: key.defaultValue == "0.5" ? "0.25" : "0.5"
        case .int: key.name.hasSuffix(".port") ? "1234" : key.name.hasPrefix("nacos.core.auth.") ? "20000" : "7"
        case .string: "10.9.8.7"
        case .path: "/some/file.pem"
        case .list: key.name.hasSuffix(".protocols") ? "native" : "10.0.0.1,10.0.0.2"
        case .enumeration(let words): words.first { $0 != key.defaultValue } ?? key.defaultValue
        }
    }
}
