import Foundation
import NacosGRPC
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

/// grpcio — gRPC's C core, an independent implementation — as the client of our server and as the server of
/// our client (Tests/Peers/grpcio_client.py and grpcio_server.py).
@Suite("grpcio peers")
struct GRPCioPeerTests {
    private func expectPeer(_ scenario: String, against server: GRPCNamingServer, extra: [String] = []) async throws {
        let outcome = try await PythonPeer.run("grpcio_client.py", ["--target", "127.0.0.1:\(server.port)"] + extra + [scenario], timeout: .seconds(150))
        #expect(outcome.succeeded, "\(outcome)")
        let checks = outcome.jsonLines.filter { $0["check"] != nil }
        #expect(!checks.isEmpty, "no check reported: \(outcome)")
        for check in checks where check["ok"] as? Bool != true {
            Issue.record("grpcio check \(check["check"] ?? "?") failed: \(check)")
        }
    }

    @Test(arguments: ["handshake", "register", "errors", "concurrent"])
    func grpcioClientAgainstOurServer(scenario: String) async throws {
        try await withGRPCNamingServer { server in
            try await self.expectPeer(scenario, against: server)
            // Whatever the peer did, the server keeps serving: a fresh client of ours still works.
            var configuration = NacosRpcClientConfiguration(name: "after-peer", serverAddresses: [server.address])
            configuration.protocolLayer = NacosGRPCProtocol()
            configuration.labels = ["source": "sdk", "module": "naming"]
            let client = NacosRpcClient(configuration: configuration, transport: server.transport, payloads: .naming, logger: .disabled())
            defer { client.shutdown() }
            #expect(await client.start())
        }
    }

    @Test func ourClientAgainstAGrpcioServer() async throws {
        try await withPythonPeerProcess("grpcio_server.py", ["--max-seconds", "120"]) { peer in
            let line = try await peer.waitForLine(containing: "LISTENING")
            let port = try #require(Int(line.split(separator: " ").last ?? ""))
            let group = try NacosEventLoopGroup(numberOfThreads: 1, logger: .disabled())
            let transport = NacosTCPTransport(group: group, logger: .disabled())
            var configuration = NacosRpcClientConfiguration(name: "against-grpcio", serverAddresses: [.loopbackIPv4(port: port)])
            configuration.protocolLayer = NacosGRPCProtocol()
            configuration.labels = ["source": "sdk", "module": "naming", "AppName": "swift-client"]
            let client = NacosRpcClient(configuration: configuration, transport: transport, payloads: .naming, logger: .disabled())
            let pushes = Mutex<[ServiceInfo]>([])
            client.registerServerRequestHandler(NotifySubscriberRequest.self) { push in
                if let info = push.serviceInfo { pushes.withLock { $0.append(info) } }
                return NotifySubscriberResponse()
            }
            do {
                #expect(await client.start(), "handshake with grpcio: \(peer.errorOutput.suffix(2000))")
                #expect(client.connectionId?.isEmpty == false)
                #expect(client.serverAbilities != nil, "SetupAck arrived on the bi-stream")
                #expect(try await client.request(HealthCheckRequest(), expecting: HealthCheckResponse.self).success)
                let instance = Instance(ip: "10.11.0.1", port: 1111, metadata: ["from": "swift"])
                let registered = try await client.request(
                    InstanceRequest(namespace: "public", serviceName: "peer-svc", groupName: NamingDefaults.group, type: InstanceRequest.registerType, instance: instance),
                    expecting: InstanceResponse.self
                )
                #expect(registered.success)
                let query = try await client.request(
                    ServiceQueryRequest(namespace: "public", serviceName: "peer-svc", groupName: NamingDefaults.group),
                    expecting: QueryServiceResponse.self
                )
                #expect(query.serviceInfo?.hosts?.map(\.port) == [1111])
                try await waitUntil(timeout: .seconds(10), "grpcio's push on the bi-stream") { pushes.withLock { !$0.isEmpty } }
                _ = try await peer.waitForLine(containing: "\"push-ack\"")
                let events = peer.output.split(separator: "\n").compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
                let setup = try #require(events.first { $0["event"] as? String == "setup" })
                #expect((setup["labels"] as? [String: String])?["AppName"] == "swift-client")
                let ack = try #require(events.first { $0["event"] as? String == "push-ack" })
                #expect(ack["requestId"] as? String == "42", "our answer carried the push's requestId")
                #expect(ack["resultCode"] as? Int == 200)
            } catch {
                client.shutdown()
                await group.shutdownGracefully()
                throw error
            }
            client.shutdown()
            await group.shutdownGracefully()
        }
    }
}
