import NacosNaming
import NacosRemote
import NacosServer
import NacosTransport
import Testing

@Suite struct ConfigurationErrorTests {
    /// The error loading `arguments` throws.
    private func error(
        _ arguments: [String],
        environment: [String: String] = [:],
        files: [String: String] = [:]
    ) -> NacosServerConfigurationError? {
        do {
            _ = try NacosServerConfigurationLoader(environment: environment, files: files).load(arguments: arguments)
            return nil
        } catch {
            return error
        }
    }

    @Test func aBadFlagValueNamesKeyFlagValueAndExpectation() throws {
        let error = try #require(self.error(["--server.port=http"]))
        #expect(error.kind == .invalidValue)
        #expect(error.key == "server.port")
        #expect(error.source == .flag("--server.port"))
        #expect(error.description == "invalid value \"http\" for server.port (from flag --server.port): expected an integer in 0...65535")
    }

    @Test func aBadShortFlagValueNamesTheKeyItSets() throws {
        let port = try #require(self.error(["--port", "70000"]))
        #expect(port.key == "server.port")
        #expect(port.description.contains("flag --port"))
        let mode = try #require(self.error(["-m", "solo"]))
        #expect(mode.kind == .invalidValue)
        #expect(mode.key == "nacos.standalone")
        #expect(mode.description.contains("\"solo\""))
        let level = try #require(self.error(["--log-level", "loud"]))
        #expect(level.key == "nacos.log.level")
        #expect(level.description.contains("one of trace, debug, info, notice, warning, error, critical"))
    }

    @Test func aBadFileValueNamesTheFileAndLine() throws {
        let file = "# settings\nnacos.naming.client.expired.time=3 minutes\n"
        let error = try #require(self.error(["--config", "/etc/nacos.properties"], files: ["/etc/nacos.properties": file]))
        #expect(error.kind == .invalidValue)
        #expect(error.key == "nacos.naming.client.expired.time")
        #expect(error.source == .file(path: "/etc/nacos.properties", line: 2))
        #expect(error.description.contains("file /etc/nacos.properties:2"))
        #expect(error.description.contains("\"3 minutes\""))
    }

    @Test func aBadEnvironmentValueNamesTheVariable() throws {
        let error = try #require(self.error([], environment: ["NACOS_NAMING_EXPIREINSTANCE": "maybe"]))
        #expect(error.key == "nacos.naming.expireInstance")
        #expect(error.source == .environment(variable: "NACOS_NAMING_EXPIREINSTANCE"))
        #expect(error.description.contains("environment variable NACOS_NAMING_EXPIREINSTANCE"))
        #expect(error.description.contains("expected true or false"))
    }

    @Test func anEmptyValueOfATypedKeyIsRefused() throws {
        let error = try #require(self.error([], environment: ["SERVER_PORT": ""]))
        #expect(error.key == "server.port")
    }

    @Test func unknownKeysInOurNamespacesAreRefusedWithASuggestion() throws {
        let file = "nacos.naming.expireinstance=true\n"
        let fromFile = try #require(self.error(["--config", "a"], files: ["a": file]))
        #expect(fromFile.kind == .unknownKey)
        #expect(fromFile.key == "nacos.naming.expireinstance")
        #expect(fromFile.description.contains("file a:1"))
        #expect(fromFile.description.contains("did you mean nacos.naming.expireInstance?"))

        let fromFlag = try #require(self.error(["--server.prot=1"]))
        #expect(fromFlag.kind == .unknownKey)
        #expect(fromFlag.description.contains("did you mean --server.port?"))

        let unrelated = try #require(self.error(["--config", "a"], files: ["a": "nacos.remote.server.frobnicate=1\n"]))
        #expect(unrelated.kind == .unknownKey)
        #expect(!unrelated.description.contains("did you mean"))
    }

    @Test func anUnknownFlagIsRefusedEvenOutsideOurNamespaces() throws {
        let error = try #require(self.error(["--prot", "8848"]))
        #expect(error.kind == .unknownKey)
        #expect(error.key == "prot")
        #expect(error.description.contains("did you mean --port?"))
    }

    @Test func malformedArgumentsAreRefused() throws {
        let positional = try #require(self.error(["standalone"]))
        #expect(positional.kind == .invalidArgument)
        #expect(positional.description.contains("\"standalone\""))
        let missing = try #require(self.error(["--port"]))
        #expect(missing.kind == .invalidArgument)
        #expect(missing.key == "--port")
        let missingKeyValue = try #require(self.error(["--nacos.naming.push.pushTaskDelay"]))
        #expect(missingKeyValue.kind == .invalidArgument)
        #expect(missingKeyValue.description.contains("--nacos.naming.push.pushTaskDelay"))
        let javaStyle = try #require(self.error(["-Dserver.port"]))
        #expect(javaStyle.kind == .invalidArgument)
    }

    @Test func anUnreadableConfigFileIsNamed() throws {
        let missing = try #require(self.error(["--config", "/nope.properties"]))
        #expect(missing.kind == .unreadableFile)
        #expect(missing.description.contains("/nope.properties"))
        let real = NacosServerConfigurationLoader(environment: [:])
        #expect {
            _ = try real.load(arguments: ["--config", "/"])
        } throws: { error in
            (error as? NacosServerConfigurationError)?.kind == .unreadableFile
        }
    }

    @Test func derivedPortsMustStayInRangeAndAllPortsDiffer() throws {
        let tooHigh = try #require(self.error(["--port", "65000"]))
        #expect(tooHigh.kind == .inconsistent)
        #expect(tooHigh.key == "server.port")
        #expect(tooHigh.description.contains("nacos.remote.server.grpc.sdk.port"))
        #expect(tooHigh.description.contains("66000"))
        #expect(tooHigh.description.contains("flag --port"))

        let same = try #require(self.error(["--port", "9000", "--nacos.remote.server.grpc.cluster.port=9000"]))
        #expect(same.kind == .inconsistent)
        #expect(same.description.contains("server.port and nacos.remote.server.grpc.cluster.port are both 9000"))

        let derivedClash = try #require(self.error([], environment: ["NACOS_REMOTE_SERVER_GRPC_SDK_PORT": "9849"]))
        #expect(derivedClash.key == "nacos.remote.server.grpc.cluster.port")

        let fine = try ConfigurationLoaderTests.run(["--port", "64000", "--nacos.remote.server.grpc.sdk.port=1", "--nacos.remote.server.grpc.cluster.port=2"])
        #expect(fine.0.ports.clusterRpc == 2)
    }

    @Test func rangesOfKeysAreEnforced() throws {
        for (flag, value) in [
            ("nacos.naming.health.check.flip-threshold", "0"),
            ("nacos.naming.push.pushTaskTimeout", "0"),
            ("nacos.remote.server.limit.count", "-2"),
            ("nacos.remote.server.grpc.sdk.max-inbound-message-size", "100"),
            ("nacos.remote.server.grpc.sdk.max-inbound-message-size", "5GiB"),
            ("server.max-http-header-size", "2MiB"),
            ("server.address", "example.com"),
            ("nacos.member.list", "10.0.0.1:0"),
            ("nacos.member.list", "10.0.0.1:x"),
            ("nacos.inetutils.ip-address", "10.0.0.1 10.0.0.2"),
        ] {
            let error = try #require(self.error(["--\(flag)=\(value)"]), "\(flag)=\(value) was accepted")
            #expect(error.kind == .invalidValue)
            #expect(error.key == flag)
        }
    }
}
