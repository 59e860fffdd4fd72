import NacosDistro
import NacosServer
import Testing

/// The cluster-mode settings: Distro's timers, member health, the automatic rebalance, and where a
/// cluster node's members come from (`nacos.member.list`, else `cluster.conf`).
@Suite struct ConfigurationClusterTests {
    /// The error loading `arguments` throws.
    private func error(_ arguments: [String], files: [String: String] = [:]) -> NacosServerConfigurationError? {
        do {
            _ = try NacosServerConfigurationLoader(environment: [:], files: files).load(arguments: arguments)
            return nil
        } catch {
            return error
        }
    }

    @Test func theDefaultsAreTheClusterTypesDefaults() throws {
        let (configuration, warnings) = try ConfigurationLoaderTests.run([])
        #expect(warnings.isEmpty)
        #expect(configuration.distro == DistroConfiguration())
        #expect(configuration.members == ClusterMemberConfiguration())
        #expect(configuration.rebalance == ClusterRebalanceConfiguration())
        #expect(configuration.nacosHome == nil && configuration.clusterConfPath == nil)
        #expect(configuration.clusterConfFile.hasSuffix("/conf/cluster.conf"))
        #expect(configuration.clusterConfFile.hasPrefix(configuration.effectiveNacosHome))
    }

    @Test func nacosDistroKeysInMillisecondsAndOurKeysAreRead() throws {
        let file = """
            nacos.core.protocol.distro.data.sync.delayMs=1000
            nacos.core.protocol.distro.data.sync.timeoutMs=4000
            nacos.core.protocol.distro.data.sync.retryDelayMs=2500
            nacos.core.protocol.distro.data.verify.intervalMs=6000
            nacos.core.protocol.distro.data.verify.timeoutMs=1500
            nacos.core.protocol.distro.data.load.retryDelayMs=30000
            nacos.core.protocol.distro.data.load.timeoutMs=45000
            nacos.core.member.fail-access-cnt=5
            nacos.core.member.report.interval-ms=500ms
            nacos.core.loader.auto-rebalance.enabled=true
            nacos.core.loader.auto-rebalance.factor=0.25
            nacos.core.loader.auto-rebalance.check-interval-ms=2s
            nacos.core.loader.auto-rebalance.sustained-checks=3
            nacos.core.auth.caching.enabled=false
            """
        let (configuration, warnings) = try ConfigurationLoaderTests.run(["--config", "a.properties"], files: ["a.properties": file])
        #expect(configuration.distro.syncDelay == .seconds(1))
        #expect(configuration.distro.syncTimeout == .seconds(4))
        #expect(configuration.distro.syncRetryDelay == .milliseconds(2500))
        #expect(configuration.distro.verifyInterval == .seconds(6))
        #expect(configuration.distro.verifyTimeout == .milliseconds(1500))
        #expect(configuration.distro.loadRetryDelay == .seconds(30))
        #expect(configuration.distro.loadTimeout == .seconds(45))
        #expect(configuration.members.failAccessLimit == 5)
        #expect(configuration.members.reportInterval == .milliseconds(500))
        #expect(configuration.rebalance.enabled)
        #expect(configuration.rebalance.factor == 0.25)
        #expect(configuration.rebalance.checkInterval == .seconds(2))
        #expect(configuration.rebalance.sustainedChecks == 3)
        // Only the auth caching key is a Nacos feature this server lacks.
        #expect(warnings.count == 1 && warnings[0].contains("nacos.core.auth.caching.enabled"), "\(warnings)")

        let (fromEnvironment, _) = try ConfigurationLoaderTests.run(
            [], environment: ["NACOS_CORE_PROTOCOL_DISTRO_DATA_SYNC_DELAYMS": "5", "NACOS_CORE_LOADER_AUTO_REBALANCE_FACTOR": "1"]
        )
        #expect(fromEnvironment.distro.syncDelay == .milliseconds(5))
        #expect(fromEnvironment.rebalance.factor == 1)
    }

    @Test func badClusterValuesAreRefusedNamingTheKey() throws {
        let cases: [(String, String, String)] = [
            ("nacos.core.protocol.distro.data.sync.delayMs", "0", "at least 1ms"),
            ("nacos.core.protocol.distro.data.verify.intervalMs", "soon", "integer milliseconds"),
            ("nacos.core.member.fail-access-cnt", "-1", "an integer in 0...1000000"),
            ("nacos.core.loader.auto-rebalance.factor", "1.5", "a number in 0.0...1.0"),
            ("nacos.core.loader.auto-rebalance.factor", "nan", "a number in 0.0...1.0"),
            ("nacos.core.loader.auto-rebalance.sustained-checks", "0", "an integer in 1...1000000"),
            ("nacos.core.loader.auto-rebalance.enabled", "maybe", "true or false"),
        ]
        for (key, value, expected) in cases {
            let error = try #require(self.error(["--\(key)=\(value)"]), "\(key)=\(value)")
            #expect(error.kind == .invalidValue && error.key == key, "\(error)")
            #expect(error.description.contains(expected), "\(error)")
        }
    }

    @Test func aMistypedKeyInOurCoreNamespacesIsRefusedNotIgnored() throws {
        let typo = try #require(self.error(["--config", "a"], files: ["a": "nacos.core.protocol.distro.data.sync.delayMS=10\n"]))
        #expect(typo.kind == .unknownKey)
        #expect(typo.description.contains("did you mean nacos.core.protocol.distro.data.sync.delayMs?"), "\(typo)")
        let rebalance = try #require(self.error(["--nacos.core.loader.auto-rebalance.enable=true"]))
        #expect(rebalance.kind == .unknownKey)
        // Other nacos.core keys stay Nacos features this server skips.
        let (_, warnings) = try ConfigurationLoaderTests.run(["--config", "a"], files: ["a": "nacos.core.member.lookup.type=file\n"])
        #expect(warnings.count == 1 && warnings[0].hasPrefix("ignoring nacos.core.member.lookup.type"))
    }

    @Test func aClusterNodeReadsClusterConfUnderNacosHome() throws {
        let conf = """
            # the three members
            10.0.0.2:8848, 10.0.0.1   # two on one line
            10.0.0.3:8847?raft_port=7847

            10.0.0.1:8848
            """
        let (configuration, warnings) = try ConfigurationLoaderTests.run(
            ["-m", "cluster", "-Dnacos.home=/opt/nacos/"], files: ["/opt/nacos/conf/cluster.conf": conf]
        )
        #expect(warnings.isEmpty)
        #expect(configuration.clusterConfFile == "/opt/nacos/conf/cluster.conf")
        #expect(configuration.memberList.isEmpty)

        let (explicit, _) = try ConfigurationLoaderTests.run(
            ["-m", "cluster", "--nacos.member.cluster-conf=/etc/members.conf"], files: ["/etc/members.conf": "10.0.0.9\n"]
        )
        #expect(explicit.clusterConfFile == "/etc/members.conf")
    }

    @Test func clusterMemberSourceParsesTheListOrTheFile() throws {
        var configuration = NacosServerConfiguration()
        configuration.mode = .cluster
        configuration.memberList = ["10.0.0.2:8848", "10.0.0.1?raft_port=7848", "[::1]:9000", "10.0.0.2"]
        let fromList = try ClusterMemberSource.members(of: configuration)
        #expect(fromList.map(\.address) == ["10.0.0.1:8848", "10.0.0.2:8848", "[::1]:9000"])

        let path = temporaryPath("cluster.conf")
        try #require(writeFile(path, "10.1.0.2:8850 # second\n10.1.0.1\n"))
        defer { removeFile(path) }
        configuration.memberList = []
        configuration.clusterConfPath = path
        #expect(try ClusterMemberSource.members(of: configuration).map(\.address) == ["10.1.0.1:8848", "10.1.0.2:8850"])
        #expect(try configuration.validate().isEmpty)

        configuration.clusterConfPath = path + ".missing"
        #expect(throws: NacosServerConfigurationError.self) { try configuration.validate() }
    }

    @Test func theMemberListWinsOverClusterConf() throws {
        let (configuration, warnings) = try ConfigurationLoaderTests.run([
            "-m", "cluster", "--nacos.member.list=10.0.0.1,10.0.0.2", "--nacos.member.cluster-conf=/nowhere/cluster.conf",
        ])
        #expect(try ClusterMemberSource.members(of: configuration).map(\.address) == ["10.0.0.1:8848", "10.0.0.2:8848"])
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("ignoring nacos.member.cluster-conf (from flag --nacos.member.cluster-conf)") == true, "\(warnings)")

        let (_, standalone) = try ConfigurationLoaderTests.run(["--nacos.member.cluster-conf=/nowhere/cluster.conf"])
        #expect(standalone.count == 1 && standalone[0].contains("standalone"), "\(standalone)")
    }

    @Test func aClusterNodeWithoutUsableMembersIsRefused() throws {
        let missing = try #require(self.error(["-m", "cluster", "-Dnacos.home=/opt/nacos"]))
        #expect(missing.kind == .unreadableFile && missing.key == "nacos.member.cluster-conf")
        #expect(missing.source == .flag("-Dnacos.home"))
        #expect(missing.description.contains("/opt/nacos/conf/cluster.conf (from flag -Dnacos.home) cannot be read"), "\(missing)")
        #expect(missing.description.contains("set nacos.member.list"), "\(missing)")

        let malformed = try #require(self.error(
            ["-m", "cluster", "--nacos.member.cluster-conf=/c.conf"], files: ["/c.conf": "# members\n10.0.0.1\n10.0.0.2:http\n"]
        ))
        #expect(malformed.kind == .malformedFile && malformed.key == "nacos.member.cluster-conf")
        #expect(malformed.source == .file(path: "/c.conf", line: 3))
        #expect(malformed.description == "cannot read the members in /c.conf:3: '10.0.0.2:http': port 'http' is not a number", "\(malformed)")

        let empty = try #require(self.error(["-m", "cluster", "--nacos.member.cluster-conf=/c.conf"], files: ["/c.conf": "# nobody yet\n\n"]))
        #expect(empty.kind == .malformedFile && empty.description.contains("lists no members"), "\(empty)")

        let badList = try #require(self.error(["-m", "cluster", "--nacos.member.list=10.0.0.1:99999"]))
        #expect(badList.kind == .invalidValue && badList.key == "nacos.member.list")
    }
}
