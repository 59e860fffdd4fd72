import Foundation
import NacosHTTP
import NacosTestKit
import NacosTransport
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One member of a cluster of `nacos-server` processes: the process, its fixed ports, and an HTTP client
/// to read its state through the Open API.
final class ClusterProcessNode: Sendable {
    /// The member's HTTP port (its identity: `127.0.0.1:port`); client RPC is port + 1000.
    let port: Int
    /// The running (or killed) process.
    let process: ServerProcess
    /// A keep-alive client to the member's HTTP port.
    let http: NacosHTTPClient
    /// The access token `get(_:)` sends as `Authorization: Bearer`, when the cluster has auth on.
    let accessToken = Mutex<String?>(nil)

    init(port: Int, process: ServerProcess, transport: any NacosStreamTransport) {
        self.port = port
        self.process = process
        self.http = NacosHTTPClient(transport: transport, address: .loopbackIPv4(port: port), timeout: .seconds(3))
    }

    /// The member address, as every member's list names it.
    var memberAddress: String { "127.0.0.1:\(self.port)" }

    /// Where SDK clients connect to this member.
    var clientRpcAddress: NacosSocketAddress { .loopbackIPv4(port: self.port + 1000) }

    /// Sends a GET and returns the response; throws unless the status is 200.
    func get(_ target: String) async throws -> HTTPResponse {
        var headers: HTTPHeaders = [:]
        if let token = self.accessToken.withLock({ $0 }) { headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response = try await self.http.send(HTTPRequest(method: .get, target: target, headers: headers))
        guard response.status == .ok else {
            throw ServerProcessFailure(
                what: "GET \(target) on \(self.memberAddress) answered \(response.status): \(response.bodyText)",
                standardError: ""
            )
        }
        return response
    }

    /// Whether the readiness probe answers 200.
    func isReady() async -> Bool {
        let response = try? await self.http.send(HTTPRequest(method: .get, target: "/nacos/v1/console/health/readiness"))
        return response?.status == .ok
    }

    /// The `ip:port` of every instance `/nacos/v1/ns/instance/list` lists for `service`, sorted, duplicates kept.
    func instanceAddresses(of service: String) async throws -> [String] {
        let response = try await self.get("/nacos/v1/ns/instance/list?serviceName=\(service)")
        return try ServerProcessTests.hostAddresses(response.body).sorted()
    }

    /// Every naming client id this member holds (`/nacos/v2/ns/client/list`): its own and the synced ones.
    func clientIds() async throws -> Set<String> {
        let response = try await self.get("/nacos/v2/ns/client/list")
        guard let data = try Self.object(response.body)["data"] as? [String] else {
            throw ServerProcessFailure(what: "no data array in \(response.bodyText)", standardError: "")
        }
        return Set(data)
    }

    /// The ids of the connections open on this member (`/nacos/v2/core/loader/current`): the SDK clients
    /// connected here, and peer links.
    func connectionIds() async throws -> Set<String> {
        let response = try await self.get("/nacos/v2/core/loader/current")
        return Set(try Self.object(response.body).keys)
    }

    /// Every member's state as this member sees it (`/nacos/v1/core/cluster/nodes`): address → `UP`, `DOWN`, ….
    func memberStates() async throws -> [String: String] {
        let response = try await self.get("/nacos/v1/core/cluster/nodes")
        guard let data = try Self.object(response.body)["data"] as? [[String: Any]] else {
            throw ServerProcessFailure(what: "no data array in \(response.bodyText)", standardError: "")
        }
        var states: [String: String] = [:]
        for member in data {
            if let address = member["address"] as? String, let state = member["state"] as? String {
                states[address] = state
            }
        }
        return states
    }

    /// Kills the process with SIGKILL (no graceful shutdown: its sockets just close) and waits for it to end.
    func kill() async throws {
        await self.http.close()
        self.process.send(signal: SIGKILL)
        let exit = try await self.process.waitForExit(timeout: .seconds(10))
        guard exit == .signalled(SIGKILL) else {
            throw ServerProcessFailure(what: "\(self.memberAddress) \(exit), not killed by SIGKILL", standardError: self.process.standardError)
        }
    }

    private static func object(_ body: [UInt8]) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw ServerProcessFailure(what: "not a JSON object: \(String(decoding: body, as: UTF8.self))", standardError: "")
        }
        return object
    }
}
