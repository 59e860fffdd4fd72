import NacosHTTP
import NacosTestKit
import NacosTransport

/// Runs `body` with a ready standalone `nacos-server` on a fixed loopback port `P` (SDKs dial `P + 1000`),
/// started with `arguments` after the port settings, and an HTTP client to it; a probed port taken before
/// the server bound it is retried with others. The server is stopped afterwards, also when `body` throws,
/// whose error is then wrapped with the server's standard error.
func withStandaloneServerProcess(
    _ arguments: [String] = [],
    group: NacosEventLoopGroup,
    _ body: (Int, NacosHTTPClient) async throws -> Void
) async throws {
    var lastError: (any Error)?
    for _ in 0..<3 {
        guard let port = LoopbackPortProbe.clusterBases(count: 1)?.first else { continue }
        let server = try ServerProcess.launch(
            ["--server.port=\(port)", "--server.address=127.0.0.1", "--nacos.server.shutdown.grace-period=1s"] + arguments
        )
        do {
            _ = try await server.waitForStart()
        } catch {
            lastError = error
            await server.forceStop()
            continue
        }
        let http = NacosHTTPClient(transport: NacosTCPTransport(group: group, logger: .disabled()), address: .loopbackIPv4(port: port))
        do {
            try await ServerProcessTests.waitForReadiness(http)
            try await body(port, http)
            await http.close()
            await server.forceStop()
            return
        } catch {
            await http.close()
            await server.forceStop()
            throw ServerProcessFailure(what: "\(error)", standardError: server.standardError)
        }
    }
    throw lastError ?? ServerProcessFailure(what: "no free loopback port set for a server", standardError: "")
}
