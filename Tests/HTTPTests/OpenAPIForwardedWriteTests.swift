import NacosHTTP
import NacosNaming
import NacosRemote
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

/// Read-your-writes hook of the forwarding filter: which forwarded writes are handed to
/// `OpenAPIForwarding.catchUp` before their answer is relayed (ephemeral writes the member answered with
/// success), and which are relayed at once (persistent writes, failures, beats the member did not know,
/// writes handled here).
@Suite("OpenAPI forwarded writes (catch-up)")
struct OpenAPIForwardedWriteTests {
    typealias Paths = OpenAPIPaths
    typealias Write = OpenAPIForwarding.ForwardedWrite

    static let member = "10.0.0.2:8848"
    static let silentMember = "10.0.0.9:8848"
    static let instance = [("serviceName", "orders"), ("ip", "10.1.0.1"), ("port", "8080")]
    static let address = "10.1.0.1:8080"

    /// The writes `catchUp` was given, in order.
    final class Recorder: Sendable {
        private let writes = Mutex<[Write]>([])

        func record(_ write: Write) { self.writes.withLock { $0.append(write) } }

        /// The writes recorded since the last call.
        func take() -> [Write] {
            self.writes.withLock { writes in
                defer { writes = [] }
                return writes
            }
        }
    }

    /// Node A, whose every instance write belongs to a scripted member (`10.0.0.2:8848`) except those of
    /// ip `10.3.0.3`, which belong to a member that is never there.
    struct Harness {
        let api: NacosOpenAPI
        let client: NacosHTTPClient
        let recorder: Recorder

        func call(_ method: HTTPMethod, _ path: String, _ parameters: [(String, String)], headers: [(String, String)] = []) async throws -> OpenAPIReply {
            let encoded = FormEncoding.encode(parameters)
            var fields = HTTPHeaders()
            for (name, value) in headers { fields.add(name: name, value: value) }
            return OpenAPIReply(try await self.client.send(HTTPRequest(method: method, target: "\(path)?\(encoded)", headers: fields)))
        }

        /// Calls A and checks its answer's status and what `catchUp` got for it.
        func expect(
            _ method: HTTPMethod,
            _ path: String,
            _ parameters: [(String, String)],
            status: Int,
            writes: [Write],
            sourceLocation: SourceLocation = #_sourceLocation
        ) async throws {
            let reply = try await self.call(method, path, parameters)
            let caught = self.recorder.take()
            #expect(reply.status == status, "\(method) \(path) \(parameters): \(reply)", sourceLocation: sourceLocation)
            #expect(caught == writes, "\(method) \(path) \(parameters)", sourceLocation: sourceLocation)
        }

        static func run(_ body: (Harness) async throws -> Void) async throws {
            try await withEventLoopGroup { group in
                let logger = CapturingLogHandler().logger(label: "openapi-forwarded-write-test", level: .warning)
                let clock = NacosSystemClock(group: group)
                let transport = NacosInMemoryTransport(group: group, logger: logger)
                let suffix = UInt64.random(in: 0...UInt64.max)
                let listen: [String: NacosSocketAddress] = [
                    OpenAPIForwardedWriteTests.member: .inMemory("scripted-member-\(suffix)"),
                    OpenAPIForwardedWriteTests.silentMember: .inMemory("nobody-\(suffix)"),
                ]
                let memberServer = NacosHTTPServer(transport: transport, responder: Self.scriptedMember(), logger: logger)
                _ = try await memberServer.start(on: listen[OpenAPIForwardedWriteTests.member]!)

                let manager = NacosConnectionManager(clock: clock, logger: logger)
                let registry = NamingRegistry(
                    configuration: OpenAPIHarness.fastNaming,
                    connectionManager: manager,
                    clock: clock,
                    logger: logger,
                    healthProber: AlwaysHealthyProber()
                )
                registry.start()
                let recorder = Recorder()
                var context = OpenAPIContext(registry: registry, connections: manager, selfAddress: "10.0.0.1:8848")
                context.responsibleServer = { $0.hasPrefix("10.3.0.3:") ? OpenAPIForwardedWriteTests.silentMember : OpenAPIForwardedWriteTests.member }
                context.forwarding = OpenAPIForwarding(transport: transport, resolve: { listen[$0] }, timeout: .seconds(5)) { write in
                    recorder.record(write)
                }
                let api = NacosOpenAPI(context: context)
                let server = NacosHTTPServer(transport: transport, responder: api.makeRouter(), logger: logger)
                let bound = try await server.start(on: .inMemory("node-a-\(suffix)"))
                let harness = Harness(api: api, client: NacosHTTPClient(transport: transport, address: bound), recorder: recorder)
                var failure: (any Error)?
                do {
                    try await body(harness)
                } catch {
                    failure = error
                }
                await harness.client.close()
                await server.shutdown(gracePeriod: .milliseconds(100))
                await memberServer.shutdown(gracePeriod: .milliseconds(100))
                await api.shutdown()
                registry.shutdown()
                manager.shutdown()
                if let failure { throw failure }
            }
        }

        /// The responsible member: every instance write succeeds unless it carries `fail=true` (400); a
        /// beat answers 10200, or 20404 with `unknown=true`.
        static func scriptedMember() -> HTTPRouter {
            var router = HTTPRouter()
            for (prefix, isV2) in [("/nacos/v1/ns", false), ("/nacos/v2/ns", true)] {
                for method in [HTTPMethod.post, .delete, .put, .patch] {
                    router.add(method, "\(prefix)/instance") { request in
                        if request.parameters["fail"] == "true" { return .text("caller-error", status: .badRequest) }
                        return isV2 ? .json(#"{"code":0,"message":"success","data":"ok"}"#) : .text("ok")
                    }
                }
                router.add(.put, "\(prefix)/instance/beat") { request in
                    let code = request.parameters["unknown"] == "true" ? 20404 : 10200
                    return .json(#"{"clientBeatInterval":5000,"code":\#(code),"lightBeatEnabled":true}"#)
                }
            }
            return router
        }
    }

    static func write(_ kind: Write.Kind, _ address: String = OpenAPIForwardedWriteTests.address) -> Write {
        Write(kind: kind, address: address, member: Self.member)
    }

    @Test("successful ephemeral writes, v1 and v2, are caught up with before their answer")
    func ephemeralWritesAreCaughtUpWith() async throws {
        try await Harness.run { harness in
            for (instancePath, beatPath) in [(Paths.v1Instance, Paths.v1Beat), (Paths.v2Instance, "/nacos/v2/ns/instance/beat")] {
                try await harness.expect(.post, instancePath, Self.instance, status: 200, writes: [Self.write(.register)])
                try await harness.expect(.post, instancePath, Self.instance + [("ephemeral", "TRUE")], status: 200, writes: [Self.write(.register)])
                try await harness.expect(.delete, instancePath, Self.instance, status: 200, writes: [Self.write(.deregister)])
                try await harness.expect(.put, instancePath, Self.instance + [("weight", "2")], status: 200, writes: [Self.write(.update)])
                try await harness.expect(.patch, instancePath, Self.instance + [("weight", "2")], status: 200, writes: [Self.write(.update)])
                try await harness.expect(.put, beatPath, Self.instance, status: 200, writes: [Self.write(.beat(light: true))])
                // A full beat may register its instance; without `ip` the beat JSON names it.
                let beat = #"{"ip":"10.1.0.7","port":81,"serviceName":"DEFAULT_GROUP@@orders","cluster":"DEFAULT"}"#
                try await harness.expect(.put, beatPath, [("serviceName", "orders"), ("beat", beat)], status: 200, writes: [Self.write(.beat(light: false), "10.1.0.7:81")])
            }
            #expect(Self.write(.register).clientId == "10.1.0.1:8080#true")
        }
    }

    @Test("persistent writes, failed writes, beats the member did not know and writes handled here are relayed at once")
    func otherWritesAreNotCaughtUpWith() async throws {
        try await Harness.run { harness in
            for instancePath in [Paths.v1Instance, Paths.v2Instance] {
                try await harness.expect(.post, instancePath, Self.instance + [("ephemeral", "false")], status: 200, writes: [])
                try await harness.expect(.delete, instancePath, Self.instance + [("ephemeral", "false")], status: 200, writes: [])
                try await harness.expect(.put, instancePath, Self.instance + [("ephemeral", "false")], status: 200, writes: [])
                try await harness.expect(.patch, instancePath, Self.instance + [("ephemeral", "False")], status: 200, writes: [])
                try await harness.expect(.post, instancePath, Self.instance + [("fail", "true")], status: 400, writes: [])
                // The member's own 400 for a value this node would refuse too.
                try await harness.expect(.post, instancePath, Self.instance + [("ephemeral", "maybe"), ("fail", "true")], status: 400, writes: [])
                // A member that does not answer: 500 here.
                try await harness.expect(.post, instancePath, [("serviceName", "orders"), ("ip", "10.3.0.3"), ("port", "1")], status: 500, writes: [])
            }
            try await harness.expect(.put, Paths.v1Beat, Self.instance + [("unknown", "true")], status: 200, writes: [])

            // A forwarded request is handled here, and is visible here already.
            let marked = try await harness.call(.post, Paths.v1Instance, Self.instance, headers: [("X-Nacos-Distro-Forwarded", Self.member)])
            #expect(marked.status == 200 && harness.recorder.take().isEmpty, "\(marked)")

            // With persistent instances as the default, a register or update without `ephemeral` is persistent;
            // a deregister still defaults to ephemeral.
            let switched = try await harness.call(.put, "/nacos/v1/ns/operator/switches", [("entry", "defaultInstanceEphemeral"), ("value", "false")])
            #expect(switched.status == 200, "\(switched)")
            try await harness.expect(.post, Paths.v1Instance, Self.instance, status: 200, writes: [])
            try await harness.expect(.put, Paths.v1Instance, Self.instance, status: 200, writes: [])
            try await harness.expect(.delete, Paths.v1Instance, Self.instance, status: 200, writes: [Self.write(.deregister)])
        }
    }
}
