import NacosRemote
import NacosTestKit
import NacosTransport
import Synchronization

/// A bare native-protocol client for driving `NacosRpcServer` frame by frame: it sends exactly the payloads
/// (or raw bytes) a test asks for, decodes every frame the server sends into a `NacosPayload`, and never
/// answers anything by itself.
final class RawRpcPeer: NacosConnectionHandler {
    /// The labels of a Java naming SDK connection.
    static let sdkLabels = ["source": "sdk", "module": "naming", "AppName": "app"]
    /// The labels of a cluster peer connection.
    static let clusterLabels = ["source": "cluster"]
    /// The client IP peers put in their payloads unless told otherwise.
    static let defaultClientIp = "10.0.0.5"

    private struct State {
        var received: [NacosPayload] = []
        var undecodable: [[UInt8]] = []
        var closed = false
    }

    /// The transport connection.
    let connection: any NacosConnection
    /// The client IP written into every payload this peer sends (unless a call overrides it).
    let clientIp: String
    private let codec = NacosPayloadCodec()
    private let state = Mutex(State())
    private let nextCallId = Atomic<UInt64>(1000)

    private init(connection: any NacosConnection, clientIp: String) {
        self.connection = connection
        self.clientIp = clientIp
    }

    /// Connects to `address` and starts collecting what the server sends.
    static func connect(
        _ transport: any NacosTransport,
        to address: NacosSocketAddress,
        clientIp: String = RawRpcPeer.defaultClientIp
    ) async throws -> RawRpcPeer {
        let connection = try await transport.connect(to: address)
        let peer = RawRpcPeer(connection: connection, clientIp: clientIp)
        connection.start(peer)
        return peer
    }

    // MARK: - NacosConnectionHandler

    func connection(_ connection: any NacosConnection, didReceive frame: NacosByteBuffer) {
        // Copy: the frame may share the loop's read buffer.
        let bytes = frame.readableBytesArray
        do {
            let payload = try self.codec.decode(NacosByteBuffer(bytes: bytes))
            self.state.withLock { $0.received.append(payload) }
        } catch {
            self.state.withLock { $0.undecodable.append(bytes) }
        }
    }

    func connectionClosed(_ connection: any NacosConnection, error: (any Error)?) {
        self.state.withLock { $0.closed = true }
    }

    // MARK: - What arrived

    /// Every payload received so far, in arrival order.
    var received: [NacosPayload] { self.state.withLock { $0.received } }

    /// The frames that did not decode (the server should never send any).
    var undecodableFrameCount: Int { self.state.withLock { $0.undecodable.count } }

    /// Whether the connection has closed.
    var isClosed: Bool { self.state.withLock { $0.closed } }

    /// The responses received so far.
    var responses: [NacosPayload] { self.received.filter { $0.kind == .response } }

    /// The server pushes (requests) received so far whose type is `typeName`.
    func pushes(named typeName: String) -> [NacosPayload] {
        self.received.filter { $0.kind == .request && $0.type == typeName }
    }

    /// The server pushes of type `T` received so far.
    func pushes<T: NacosRequest>(_ type: T.Type) -> [NacosPayload] { self.pushes(named: T.typeName) }

    /// The response to call `callId` if it has arrived.
    func response(callId: UInt64) -> NacosPayload? {
        self.received.first { $0.kind == .response && $0.callId == callId }
    }

    // MARK: - Sending

    /// A fresh call id (from 1000 up; tests that pick ids by hand use smaller ones).
    func makeCallId() -> UInt64 {
        self.nextCallId.wrappingAdd(1, ordering: .relaxed).newValue
    }

    /// Sends `request` as a request payload with `callId` and this peer's client IP.
    func send(_ request: some NacosRequest, callId: UInt64, clientIp: String? = nil) throws {
        try self.send(NacosPayload.request(request, callId: callId, clientIp: clientIp ?? self.clientIp))
    }

    /// Sends `payload` encoded as one frame.
    func send(_ payload: NacosPayload) throws {
        self.connection.send(try self.codec.encode(payload))
    }

    /// Sends `bytes` as one frame, whatever they hold.
    func sendRaw(_ bytes: [UInt8]) {
        self.connection.send(NacosByteBuffer(bytes: bytes))
    }

    /// Encodes `request` as call `callId` and returns the frame's bytes (for tests that mangle them).
    func frameBytes(_ request: some NacosRequest, callId: UInt64) throws -> [UInt8] {
        try self.codec.encode(NacosPayload.request(request, callId: callId, clientIp: self.clientIp)).readableBytesArray
    }

    // MARK: - Waiting

    /// Waits for the response to call `callId`.
    func waitForResponse(callId: UInt64, timeout: Duration = .seconds(5)) async throws -> NacosPayload {
        try await waitUntil(timeout: timeout, "the response to call \(callId)") { self.response(callId: callId) != nil }
        return self.response(callId: callId)!
    }

    /// Sends `request` as call `callId` (a fresh id when `nil`) and waits for its response payload.
    func callPayload(_ request: some NacosRequest, callId: UInt64? = nil, timeout: Duration = .seconds(5)) async throws -> NacosPayload {
        let id = callId ?? self.makeCallId()
        try self.send(request, callId: id)
        return try await self.waitForResponse(callId: id, timeout: timeout)
    }

    /// Sends `request` and decodes the response as `R` (failing when it is another type, an `ErrorResponse` included).
    func call<R: NacosResponse>(_ request: some NacosRequest, callId: UInt64? = nil, as type: R.Type) async throws -> R {
        try await self.callPayload(request, callId: callId).decodeResponse(as: R.self)
    }

    /// Sends `request` and decodes the response as `ErrorResponse`.
    func callExpectingError(_ request: some NacosRequest, callId: UInt64? = nil) async throws -> ErrorResponse {
        try await self.callPayload(request, callId: callId).decodeResponse(as: ErrorResponse.self)
    }

    /// Waits until at least `count` pushes of type `T` arrived and returns the `count`-th one, decoded.
    @discardableResult
    func waitForPush<T: NacosRequest>(
        _ type: T.Type,
        count: Int = 1,
        timeout: Duration = .seconds(5)
    ) async throws -> (payload: NacosPayload, request: T) {
        try await waitUntil(timeout: timeout, "\(count) \(T.typeName) push(es)") { self.pushes(T.self).count >= count }
        let payload = self.pushes(T.self)[count - 1]
        return (payload, try payload.decodeRequest(as: T.self))
    }

    /// Waits for the server to close the connection.
    func waitForClose(timeout: Duration = .seconds(5)) async throws {
        try await waitUntil(timeout: timeout, "the server to close the connection") { self.isClosed }
    }

    // MARK: - Protocol steps

    /// Answers the push `push` with `response`: the body's `requestId` copied, call id 0.
    func answer(_ push: NacosPayload, with response: some NacosResponse) throws {
        var response = response
        response.requestId = try NacosJSON.decode(PushIdProbe.self, from: push.body).requestId
        try self.send(NacosPayload.response(response, callId: 0))
    }

    /// ServerCheckRequest with call id 1; returns the connection id the server assigned.
    func serverCheck() async throws -> ServerCheckResponse {
        try await self.call(ServerCheckRequest(), callId: 1, as: ServerCheckResponse.self)
    }

    /// Sends ConnectionSetupRequest (call id 0, no response expected).
    func sendSetup(
        labels: [String: String] = RawRpcPeer.sdkLabels,
        abilityTable: [String: Bool]? = nil,
        clientVersion: String = "Nacos-Swift-Test:v1",
        tenant: String? = nil
    ) throws {
        let setup = ConnectionSetupRequest(clientVersion: clientVersion, tenant: tenant, labels: labels, abilityTable: abilityTable)
        try self.send(setup, callId: 0)
    }

    /// The handshake: ServerCheck (call id 1), then ConnectionSetupRequest; returns the connection id.
    /// Registration is asynchronous: wait on the connection manager before relying on it.
    func handshake(
        labels: [String: String] = RawRpcPeer.sdkLabels,
        abilityTable: [String: Bool]? = nil,
        clientVersion: String = "Nacos-Swift-Test:v1",
        tenant: String? = nil
    ) async throws -> String {
        let check = try await self.serverCheck()
        guard let connectionId = check.connectionId else {
            throw NacosRemoteError(.unexpectedResponse, "ServerCheckResponse without a connection id")
        }
        try self.sendSetup(labels: labels, abilityTable: abilityTable, clientVersion: clientVersion, tenant: tenant)
        return connectionId
    }

    /// Closes the connection.
    func close() {
        self.connection.close(flush: true)
    }
}

/// Reads only the `requestId` of a push body.
private struct PushIdProbe: Decodable {
    var requestId: String?
}
