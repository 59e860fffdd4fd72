import NacosRemote
import NacosTestKit
import Synchronization

/// A test-only request with one field, answered with `TestEchoResponse` by `TestHandlerProbe`'s handler.
struct TestEchoRequest: NacosRequest, Equatable {
    static let typeName = "TestEchoRequest"
    static let module = NacosRequestModule.naming

    var text: String?
    var requestId: String?
    var headers: [String: String] = [:]

    init() {}

    init(text: String?, headers: [String: String] = [:]) {
        self.text = text
        self.headers = headers
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.text = try container.decodeLenient(String.self, forKey: .text)
        try self.decodeCommonFields(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.text, forKey: .text)
        try self.encodeCommonFields(to: encoder)
    }

    private enum CodingKeys: String, CodingKey {
        case text
    }
}

/// The answer of every test handler: the echoed text plus what the server told the handler about the caller.
struct TestEchoResponse: NacosResponse, Equatable {
    static let typeName = "TestEchoResponse"

    var text: String?
    var connectionId: String?
    var clientIp: String?
    var appName: String?
    var resultCode: Int = NacosResponseCode.success
    var errorCode: Int = 0
    var message: String?
    var requestId: String?

    init() {}

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.text = try container.decodeLenient(String.self, forKey: .text)
        self.connectionId = try container.decodeLenient(String.self, forKey: .connectionId)
        self.clientIp = try container.decodeLenient(String.self, forKey: .clientIp)
        self.appName = try container.decodeLenient(String.self, forKey: .appName)
        try self.decodeCommonFields(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.text, forKey: .text)
        try container.encodeIfPresent(self.connectionId, forKey: .connectionId)
        try container.encodeIfPresent(self.clientIp, forKey: .clientIp)
        try container.encodeIfPresent(self.appName, forKey: .appName)
        try self.encodeCommonFields(to: encoder)
    }

    private enum CodingKeys: String, CodingKey {
        case text
        case connectionId
        case clientIp
        case appName
    }
}

/// Its handler throws `NacosException(.invalidParam, "bad param")`.
struct TestInvalidParamRequest: NacosCommonFieldsRequest, Equatable {
    static let typeName = "TestInvalidParamRequest"
    static let module = NacosRequestModule.naming
    var requestId: String?
    var headers: [String: String] = [:]
    init() {}
}

/// Its handler throws a plain (non-Nacos) error.
struct TestCrashRequest: NacosCommonFieldsRequest, Equatable {
    static let typeName = "TestCrashRequest"
    static let module = NacosRequestModule.naming
    var requestId: String?
    var headers: [String: String] = [:]
    init() {}
}

/// Its handler waits for `TestHandlerProbe.gate` before answering.
struct TestSlowRequest: NacosCommonFieldsRequest, Equatable {
    static let typeName = "TestSlowRequest"
    static let module = NacosRequestModule.naming
    var requestId: String?
    var headers: [String: String] = [:]
    init() {}
}

/// Its handler answers with error code 503 (over threshold), which the server holds back before sending.
struct TestBusyRequest: NacosCommonFieldsRequest, Equatable {
    static let typeName = "TestBusyRequest"
    static let module = NacosRequestModule.naming
    var requestId: String?
    var headers: [String: String] = [:]
    init() {}
}

/// The plain error thrown by the `TestCrashRequest` handler.
struct TestHandlerFailure: Error, CustomStringConvertible {
    var description: String { "test handler failure" }
}

/// The handlers the server tests register, and what they saw.
final class TestHandlerProbe: Sendable {
    /// The gate the `TestSlowRequest` handler waits on.
    let gate = AsyncGate()
    private let calls = Mutex<[String: Int]>([:])
    private let metas = Mutex<[NacosRequestMeta]>([])
    private let headers = Mutex<[[String: String]]>([])

    init() {}

    /// How many times the handler of `typeName` ran.
    func callCount(_ typeName: String) -> Int { self.calls.withLock { $0[typeName, default: 0] } }

    /// The metas handed to the handlers, in call order.
    var seenMetas: [NacosRequestMeta] { self.metas.withLock { $0 } }

    /// The headers of the echo requests the handler saw, in call order.
    var seenEchoHeaders: [[String: String]] { self.headers.withLock { $0 } }

    private func record(_ typeName: String, _ meta: NacosRequestMeta) {
        self.calls.withLock { $0[typeName, default: 0] += 1 }
        self.metas.withLock { $0.append(meta) }
    }

    /// A registry with every test handler, plus a `ServerReloadRequest` handler answering "ok".
    func registry() -> NacosRequestHandlerRegistry {
        var handlers = NacosRequestHandlerRegistry()
        handlers.register(TestEchoRequest.self, responseType: TestEchoResponse.self) { [self] request, meta in
            self.record(TestEchoRequest.typeName, meta)
            self.headers.withLock { $0.append(request.headers) }
            var response = TestEchoResponse()
            response.text = request.text
            response.connectionId = meta.connectionId
            response.clientIp = meta.clientIp
            response.appName = meta.labels["AppName"]
            return response
        }
        handlers.register(TestInvalidParamRequest.self, responseType: TestEchoResponse.self) { [self] _, meta in
            self.record(TestInvalidParamRequest.typeName, meta)
            throw NacosException(.invalidParam, "bad param")
        }
        handlers.register(TestCrashRequest.self, responseType: TestEchoResponse.self) { [self] _, meta in
            self.record(TestCrashRequest.typeName, meta)
            throw TestHandlerFailure()
        }
        handlers.register(TestSlowRequest.self, responseType: TestEchoResponse.self) { [self] _, meta in
            self.record(TestSlowRequest.typeName, meta)
            await self.gate.wait()
            var response = TestEchoResponse()
            response.text = "slow"
            return response
        }
        handlers.register(TestBusyRequest.self, responseType: TestEchoResponse.self) { [self] _, meta in
            self.record(TestBusyRequest.typeName, meta)
            var response = TestEchoResponse()
            response.setErrorInfo(.overThreshold, message: "over threshold")
            return response
        }
        handlers.register(ServerReloadRequest.self, responseType: ServerReloadResponse.self) { [self] _, meta in
            self.record(ServerReloadRequest.typeName, meta)
            var response = ServerReloadResponse()
            response.message = "ok"
            return response
        }
        return handlers
    }
}

/// Refuses `TestEchoRequest`s whose header `token` is `deny` with the handler's response type marked 403,
/// as Nacos's auth filter does; lets everything else through.
struct DenyTokenFilter: NacosRequestFilter {
    func filter(_ request: any NacosRequest, meta: NacosRequestMeta, responseType: any NacosResponse.Type) async throws -> (any NacosResponse)? {
        guard request.header("token") == "deny" else { return nil }
        var refusal = responseType.init()
        refusal.setErrorInfo(.noRight, message: "no right")
        return refusal
    }
}

/// Records connects and disconnects into a shared log, as `"<name>+<id>"` / `"<name>-<id>"`, and
/// optionally throws after recording.
final class RecordingListener: NacosClientConnectionEventListener {
    let name: String
    let log: Mutex<[String]>
    private let throwing: Bool
    private let shared: (@Sendable (String) -> Void)?

    init(name: String, throwing: Bool = false, shared: (@Sendable (String) -> Void)? = nil) {
        self.name = name
        self.log = Mutex([])
        self.throwing = throwing
        self.shared = shared
    }

    /// Every event recorded by this listener.
    var events: [String] { self.log.withLock { $0 } }

    /// The ids this listener saw connect.
    var connected: [String] { self.events.filter { $0.hasPrefix("+") }.map { String($0.dropFirst()) } }

    /// The ids this listener saw disconnect.
    var disconnected: [String] { self.events.filter { $0.hasPrefix("-") }.map { String($0.dropFirst()) } }

    func clientConnected(_ connection: NacosServerConnection) throws {
        self.log.withLock { $0.append("+" + connection.connectionId) }
        self.shared?("\(self.name)+\(connection.connectionId)")
        if self.throwing { throw TestHandlerFailure() }
    }

    func clientDisconnected(_ connection: NacosServerConnection) throws {
        self.log.withLock { $0.append("-" + connection.connectionId) }
        self.shared?("\(self.name)-\(connection.connectionId)")
        if self.throwing { throw TestHandlerFailure() }
    }
}

/// A lock-protected list of strings several listeners append to, to check their order.
final class SharedEventLog: Sendable {
    private let storage = Mutex<[String]>([])

    init() {}

    /// Appends `event`.
    func append(_ event: String) { self.storage.withLock { $0.append(event) } }

    /// Everything appended so far.
    var events: [String] { self.storage.withLock { $0 } }
}
