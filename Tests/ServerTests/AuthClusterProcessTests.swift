import Foundation
import NacosAuth
import NacosClient
import NacosDistro
import NacosHTTP
import NacosRemote
import NacosServer
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

/// Three real `nacos-server` processes in cluster mode with auth on: tokens one member signs are accepted
/// by the others, registrations over HTTP and the SDK replicate through Distro (forwarded writes and
/// cluster links carry the server identity), and requests that forge another member are refused.
@Suite("Auth: a three-node cluster of nacos-server processes")
struct AuthClusterProcessTests {
    /// The server identity header every member is configured with.
    static let identity = (key: "cluster-identity", value: "identity-of-the-test-cluster")
    /// Auth on, with the same secret key, identity and initial administrator password on every member.
    static let arguments = [
        "--nacos.core.protocol.distro.data.verify.intervalMs=500",
        "--nacos.core.member.report.interval-ms=500",
        "--nacos.core.auth.enabled=true",
        "--nacos.core.auth.plugin.nacos.token.secret.key=\(AuthSDKProcessTests.secret)",
        "--nacos.core.auth.plugin.nacos.admin.initial-password=admin-password",
        "--nacos.core.auth.plugin.nacos.password.iterations=10000",
        "--nacos.core.auth.server.identity.key=\(identity.key)",
        "--nacos.core.auth.server.identity.value=\(identity.value)",
    ]
    static let httpService = "auth-cluster-http"
    static let sdkService = "auth-cluster-sdk"

    @Test("with auth on, three members share tokens, Distro replicates HTTP and SDK registrations, and forged member requests are refused")
    func authOnAThreeMemberCluster() async throws {
        try await withEventLoopGroup { group in
            try await withClusterProcesses(count: 3, arguments: Self.arguments, group: group) { cluster in
                let nodes = cluster.nodes
                let token = try await AuthSDKProcessTests.login(nodes[0].http, "nacos", "admin-password")
                for node in nodes { node.accessToken.withLock { $0 = token } }

                // Without a token, or with a forged one, another member refuses a read.
                let anonymous = try await nodes[1].http.send(HTTPRequest(method: .get, target: "/nacos/v1/ns/instance/list?serviceName=\(Self.httpService)"))
                #expect(anonymous.status.code == 403 && anonymous.bodyText == "user not found!", "\(anonymous.status) \(anonymous.bodyText)")
                let forged = try await nodes[2].http.send(HTTPRequest(method: .get, target: "/nacos/v1/ns/instance/list?serviceName=\(Self.httpService)&accessToken=\(token.dropLast(2))xx"))
                #expect(forged.status.code == 403 && forged.bodyText == "token invalid!", "\(forged.status) \(forged.bodyText)")

                // HTTP registrations on every member with the token signed by the first: a member that is not
                // responsible for an address forwards the write, with the server identity, to the one that is.
                var httpExpected: [String] = []
                for (index, node) in nodes.enumerated() {
                    let ip = "10.78.0.\(index + 1)"
                    let port = 9100 + index
                    let body = "serviceName=\(Self.httpService)&ip=\(ip)&port=\(port)&accessToken=\(token)"
                    let response = try await node.http.send(ServerProcessTests.form(.post, "/nacos/v1/ns/instance", body))
                    #expect(response.status == .ok && response.bodyText == "ok", "register on \(node.memberAddress): \(response.status) \(response.bodyText)")
                    httpExpected.append("\(ip):\(port)")
                }
                httpExpected.sort()

                // SDK clients log in on each member and register there.
                var sdkExpected: [String] = []
                for index in nodes.indices {
                    let naming = try await cluster.startClient(homeAt: index, appName: "auth-cluster-\(index)", credentials: ("nacos", "admin-password"))
                    let ip = "10.79.0.\(index + 1)"
                    try await naming.registerInstance(serviceName: Self.sdkService, ip: ip, port: 9200 + index)
                    sdkExpected.append("\(ip):\(9200 + index)")
                }
                sdkExpected.sort()

                try await pollUntil(timeout: .seconds(15), "every member to list every HTTP and SDK registration") {
                    for node in nodes {
                        guard try await node.instanceAddresses(of: Self.httpService) == httpExpected,
                            try await node.instanceAddresses(of: Self.sdkService) == sdkExpected
                        else { return false }
                    }
                    return true
                }

                // A forwarded write without the identity is refused even with an administrator's token.
                var forwarded = ServerProcessTests.form(.post, "/nacos/v1/ns/instance", "serviceName=\(Self.httpService)&ip=10.78.0.9&port=9109&accessToken=\(token)")
                forwarded.headers.add(name: "X-Nacos-Distro-Forwarded", value: nodes[1].memberAddress)
                let refusedForward = try await nodes[0].http.send(forwarded)
                #expect(refusedForward.status.code == 403 && refusedForward.bodyText == AuthRefusal.serverIdentity.message, "\(refusedForward.status) \(refusedForward.bodyText)")
                #expect(try await nodes[0].instanceAddresses(of: Self.httpService) == httpExpected)

                // The cluster port: Distro requests without the identity, or with a wrong one, are refused;
                // with the right one they are answered.
                try await self.expectClusterPortChecksIdentity(of: nodes[0], token: token, group: group)
                let refusals = try await AuthSDKProcessTests.counter(nodes[0].http, #"nacos_auth_refused_total{reason="server_identity"}"#)
                #expect(refusals >= 2, "server_identity refusals on \(nodes[0].memberAddress): \(refusals)")

                // Distro still works after the refusals: a new registration reaches every member.
                let late = try await nodes[2].http.send(ServerProcessTests.form(.post, "/nacos/v1/ns/instance", "serviceName=\(Self.httpService)&ip=10.78.0.4&port=9103&accessToken=\(token)"))
                #expect(late.status == .ok, "\(late.status) \(late.bodyText)")
                let withLate = (httpExpected + ["10.78.0.4:9103"]).sorted()
                try await pollUntil(timeout: .seconds(15), "every member to list the late registration") {
                    for node in nodes where try await node.instanceAddresses(of: Self.httpService) != withLate { return false }
                    return true
                }
            }
        }
    }

    /// Sends a Distro SNAPSHOT request to `node`'s cluster port without the identity (with an
    /// administrator's token), with a wrong identity, and with the right one.
    private func expectClusterPortChecksIdentity(of node: ClusterProcessNode, token: String, group: NacosEventLoopGroup) async throws {
        var configuration = NacosRpcClientConfiguration(name: "forged-member", serverAddresses: [.loopbackIPv4(port: node.port + NacosServerPorts.clusterRpcOffset)])
        configuration.labels = ["source": "cluster"]
        configuration.connectTimeout = .seconds(3)
        let client = NacosRpcClient(configuration: configuration, transport: NacosTCPTransport(group: group, logger: .disabled()), payloads: .cluster, logger: .disabled())
        defer { client.shutdown() }
        try #require(await client.start(), "no connection to the cluster port of \(node.memberAddress)")

        var withToken = DistroDataRequest()
        withToken.setHeader(AuthRequestFilter.tokenHeader, token)
        let noIdentity = try await client.request(withToken)
        #expect(noIdentity.errorCode == 403 && !noIdentity.success, "no identity: \(noIdentity.errorCode) \(noIdentity.message ?? "")")

        var wrong = DistroDataRequest()
        wrong.setHeader(Self.identity.key, "guess")
        let wrongIdentity = try await client.request(wrong)
        #expect(wrongIdentity.errorCode == 403 && wrongIdentity.message == AuthRefusal.serverIdentity.message, "wrong identity: \(wrongIdentity.errorCode) \(wrongIdentity.message ?? "")")

        var right = DistroDataRequest()
        right.setHeader(Self.identity.key, Self.identity.value)
        let answered = try await client.request(right)
        #expect(answered.success && answered is DistroDataResponse, "right identity: \(answered.typeName) \(answered.errorCode) \(answered.message ?? "")")
    }
}
