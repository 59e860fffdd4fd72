import NacosNaming
import NacosRemote
import NacosServer
import NacosTransport
import Testing

@Suite struct ConfigurationLoaderTests {
    /// Loads and expects a configuration to run with.
    static func run(
        _ arguments: [String],
        environment: [String: String] = [:],
        files: [String: String] = [:]
    ) throws -> (NacosServerConfiguration, [String]) {
        let loader = NacosServerConfigurationLoader(environment: environment, files: files)
        guard case .run(let configuration, let warnings) = try loader.load(arguments: arguments) else {
            throw LoaderOutcomeMismatch()
        }
        return (configuration, warnings)
    }

    /// The loader returned help or version where a configuration was expected.
    struct LoaderOutcomeMismatch: Error {}

    @Test func noArgumentsGiveTheStandaloneDefaults() throws {
        let (configuration, warnings) = try Self.run([])
        #expect(warnings.isEmpty)
        #expect(configuration.ports == NacosServerPorts(http: 8848))
        #expect(configuration.mode == .standalone)
        #expect(configuration.bindHost == "0.0.0.0")
        #expect(configuration.advertisedIP == nil)
        #expect(configuration.logLevel == .info)
        #expect(configuration.shutdownGracePeriod == .seconds(10))
    }

    @Test func fileThenEnvironmentThenFlagsInIncreasingPrecedence() throws {
        let file = """
            server.port=1000
            nacos.naming.expireInstance=false
            nacos.log.level=debug
            nacos.naming.push.pushTaskTimeout=7000
            """
        let environment = ["SERVER_PORT": "2000", "NACOS_NAMING_EXPIREINSTANCE": "TRUE", "NACOS_LOG_LEVEL": "error"]
        let (configuration, _) = try Self.run(
            ["--config", "n.properties", "--server.port=3000"],
            environment: environment,
            files: ["n.properties": file]
        )
        #expect(configuration.httpPort == 3000)  // flag beats environment and file
        #expect(configuration.naming.expireInstance)  // environment beats file
        #expect(configuration.logLevel == .error)  // environment beats file
        #expect(configuration.naming.pushTimeout == .milliseconds(7000))  // file beats default
    }

    @Test func environmentUsesRelaxedNamesOnlyForKnownKeys() throws {
        let environment = [
            "NACOS_REMOTE_SERVER_RPC_TLS_MUTUALAUTHENABLE": "true",
            "NACOS_NAMING_CLEAN_EMPTY_SERVICE_INTERVAL": "2m",
            "PATH": "/usr/bin", "SERVER": "ignored",
        ]
        let (configuration, warnings) = try Self.run([], environment: environment)
        #expect(configuration.clientRpcTLS.mutualAuth)
        #expect(configuration.naming.emptyServiceCleanInterval == .seconds(120))
        #expect(warnings.isEmpty)
    }

    @Test func everyKeyHasADistinctEnvironmentVariable() {
        let names = NacosServerConfigurationKey.all.flatMap { [$0.name] + $0.aliases }
        let variables = Set(names.map(NacosServerConfigurationKey.environmentVariable(for:)))
        #expect(variables.count == names.count)
        #expect(NacosServerConfigurationKey.named("nacos.naming.expireInstance")?.environmentVariable == "NACOS_NAMING_EXPIREINSTANCE")
    }

    @Test func flagFormsAndShortFlags() throws {
        let (configuration, _) = try Self.run([
            "--port", "18848", "-m", "cluster", "--log-level=WARN",
            "--nacos.member.list", "10.0.0.1:8848, 10.0.0.2", "-Dnacos.naming.push.pushTaskDelay=5ms",
            "--nacos.naming.push.enabled", "--server.ssl.enabled", "false",
        ])
        #expect(configuration.httpPort == 18848)
        #expect(configuration.ports.clientRpc == 19848)
        #expect(configuration.mode == .cluster)
        #expect(!configuration.standalone)
        #expect(configuration.logLevel == .warning)
        #expect(configuration.memberList == ["10.0.0.1:8848", "10.0.0.2"])
        #expect(configuration.naming.pushMergeWindow == .milliseconds(5))
        #expect(configuration.naming.pushEnabled)
        #expect(!configuration.httpTLS.enabled)
    }

    @Test func aBooleanFlagAloneMeansTrue() throws {
        let (configuration, _) = try Self.run(["--nacos.remote.server.rpc.tls.mutualAuthEnable", "--port", "1"])
        #expect(configuration.clientRpcTLS.mutualAuth)
        #expect(configuration.httpPort == 1)
    }

    @Test func aliasesSetTheSameValueButTheMainNameWinsInOneSource() throws {
        let (aliasOnly, _) = try Self.run(["--nacos.server.main.port=7000"])
        #expect(aliasOnly.httpPort == 7000)
        let (fromFile, _) = try Self.run(["--config=a"], files: ["a": "server.port=1\nnacos.server.main.port=2\n"])
        #expect(fromFile.httpPort == 1)
        let (fromEnvironment, _) = try Self.run([], environment: ["NACOS_SERVER_MAIN_PORT": "5", "SERVER_PORT": "6"])
        #expect(fromEnvironment.httpPort == 6)
        let (aliasAbove, _) = try Self.run(["--config=a", "--nacos.server.ip=10.1.1.1"], files: ["a": "nacos.inetutils.ip-address=10.2.2.2"])
        #expect(aliasAbove.advertisedIP == "10.1.1.1")
    }

    @Test func deprecatedFrameSizeKeySetsBothPortsUnlessAPortKeyIsGiven() throws {
        let (both, _) = try Self.run(["--nacos.remote.server.grpc.maxinbound.message.size=4MiB"])
        #expect(both.rpc.clientMaxFrameLength == 4 * 1024 * 1024)
        #expect(both.rpc.clusterMaxFrameLength == 4 * 1024 * 1024)
        let file = "nacos.remote.server.grpc.sdk.max-inbound-message-size=1MiB\nnacos.remote.server.grpc.maxinbound.message.size=4MiB\n"
        let (mixed, _) = try Self.run(["--config", "f"], files: ["f": file])
        #expect(mixed.rpc.clientMaxFrameLength == 1024 * 1024)
        #expect(mixed.rpc.clusterMaxFrameLength == 4 * 1024 * 1024)
    }

    @Test func portZeroPicksFreePortsForTheDerivedOnesToo() throws {
        let (configuration, _) = try Self.run(["--port=0"])
        #expect(configuration.ports == NacosServerPorts(http: 0).with(clientRpc: 0, clusterRpc: 0))
        let (explicit, _) = try Self.run(["--port=0", "--nacos.remote.server.grpc.sdk.port=9000"])
        #expect(explicit.ports.clientRpc == 9000)
        #expect(explicit.ports.clusterRpc == 0)
    }

    @Test func nacosSettingsThisServerLacksAreIgnoredWithWarnings() throws {
        let file = """
            server.servlet.contextPath=/nacos
            spring.sql.init.platform=mysql
            db.num=1
            nacos.core.auth.caching.enabled=true
            management.metrics.export.elastic.enabled=false
            nacos.remote.server.rpc.tls.protocols=TLSv1.2
            some.other.tool.setting=1
            """
        let (configuration, warnings) = try Self.run(["--config", "app.properties", "--nacos.core.auth.system.type=ldap"], files: ["app.properties": file])
        #expect(configuration.httpPort == 8848)
        #expect(warnings.count == 8)
        #expect(warnings.contains { $0.contains("server.servlet.contextPath") && $0.contains("app.properties:1") })
        #expect(warnings.contains { $0.contains("nacos.remote.server.rpc.tls.protocols") })
        #expect(warnings.contains { $0.contains("unknown key some.other.tool.setting") })
        #expect(warnings.contains { $0.contains("flag --nacos.core.auth.system.type") })
    }

    @Test func nacosDistributionPropertiesLoadWithTheirKeysUncommented() throws {
        // The keys of Nacos 2.5.1's distribution/conf/application.properties, commented ones included.
        let file = #"""
            server.servlet.contextPath=/nacos
            server.error.include-message=ALWAYS
            server.port=8848
            nacos.inetutils.prefer-hostname-over-ip=false
            nacos.inetutils.ip-address=
            spring.sql.init.platform=mysql
            db.num=1
            db.num=1
            nacos.config.push.maxRetryTime=50
            nacos.naming.data.warmup=true
            nacos.naming.expireInstance=true
            nacos.naming.clean.empty-service.interval=60000
            nacos.naming.clean.empty-service.expired-time=60000
            nacos.naming.clean.expired-metadata.interval=5000
            nacos.naming.clean.expired-metadata.expired-time=60000
            nacos.naming.push.pushTaskDelay=500
            nacos.naming.push.pushTaskTimeout=5000
            nacos.naming.push.pushTaskRetryDelay=1000
            nacos.naming.client.expired.time=180000
            nacos.cmdb.loadDataAtStart=false
            server.tomcat.mbeanregistry.enabled=true
            management.endpoints.web.exposure.include=prometheus,health
            server.tomcat.accesslog.pattern=%h %l %u %t "%r" %s %b %D %{User-Agent}i %{Request-Source}i
            server.tomcat.basedir=file:.
            nacos.security.ignore.urls=/,/error,/**/*.css,/**/*.js
            nacos.core.auth.enabled=false
            nacos.core.auth.server.identity.key=
            nacos.core.auth.ldap.userDn=cn=admin,${nacos.core.auth.ldap.basedc}
            nacos.plugin.control.rule.local.basedir=${nacos.home}
            nacos.istio.mcp.server.enabled=false
            nacos.core.member.lookup.type=[file,address-server]
            nacos.member.list=192.168.16.101:8847?raft_port=8807,192.168.16.101?raft_port=8808
            address.server.domain=jmenv.tbsite.net
            nacos.core.protocol.distro.data.sync.delayMs=1000
            nacos.prometheus.metrics.enabled=true
            nacos.remote.server.grpc.sdk.max-inbound-message-size=10485760
            nacos.remote.server.grpc.sdk.keep-alive-time=7200000
            nacos.remote.server.grpc.cluster.max-inbound-message-size=10485760
            nacos.remote.server.grpc.cluster.permit-keep-alive-time=300000
            nacos.console.ui.enabled=true
            """#
        let (configuration, warnings) = try Self.run(["--config", "application.properties"], files: ["application.properties": file])
        #expect(configuration.naming.pushMergeWindow == .milliseconds(500))
        #expect(configuration.naming.clientExpiredTime == .seconds(180))
        #expect(configuration.memberList.count == 2)
        #expect(configuration.rpc.clientMaxFrameLength == 10_485_760)
        #expect(!warnings.isEmpty)
        #expect(warnings.allSatisfy { $0.hasPrefix("ignoring") })
        #expect(!warnings.contains { $0.contains("nacos.naming.push.") || $0.contains("server.port ") })
    }

    @Test func aMemberListOnAStandaloneNodeIsReportedAsIgnored() throws {
        let (_, warnings) = try Self.run(["--nacos.member.list=10.0.0.1"])
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("nacos.member.list") == true)
    }

    @Test func helpListsEveryKeyWithItsDefaultAndVersionPrintsOne() throws {
        let loader = NacosServerConfigurationLoader(environment: [:], files: [:])
        guard case .help(let text) = try loader.load(arguments: ["--port", "1", "-h"]) else {
            Issue.record("expected help")
            return
        }
        #expect(text.hasPrefix("Usage: nacos-server"))
        for flag in ["--config", "--port", "-m, --mode", "--log-level", "--version"] {
            #expect(text.contains(flag), "help lacks \(flag)")
        }
        for key in NacosServerConfigurationKey.all {
            #expect(text.contains("--\(key.name)=<\(key.type)>"), "help lacks \(key.name)")
            #expect(text.contains("(default: \(key.defaultValue))"), "help lacks the default of \(key.name)")
        }
        guard case .version(let version) = try loader.load(arguments: ["--version"]) else {
            Issue.record("expected version")
            return
        }
        #expect(version.contains(NacosServerConfigurationLoader.version))
    }

    @Test func theRealFileSystemIsReadForConfig() throws {
        let path = temporaryPath("server.properties")
        try #require(writeFile(path, "server.port = 12345\n"))
        defer { removeFile(path) }
        let loader = NacosServerConfigurationLoader(environment: [:])
        guard case .run(let configuration, _) = try loader.load(arguments: ["--config", path]) else {
            Issue.record("expected run")
            return
        }
        #expect(configuration.httpPort == 12345)
    }
}

extension NacosServerPorts {
    /// These ports with the RPC ones replaced.
    fileprivate func with(clientRpc: Int, clusterRpc: Int) -> NacosServerPorts {
        var ports = self
        ports.clientRpc = clientRpc
        ports.clusterRpc = clusterRpc
        return ports
    }
}
