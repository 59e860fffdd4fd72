import NacosTransport
import Synchronization

/// One end of a payload connection (any protocol layer): sends requests and responses as payloads, and
/// correlates responses with the requests this end sent.
///
/// Unary calls (`call`) are matched by the payload's `callId`; server pushes (`push`) by the body's
/// `requestId` (docs/protocol.md, "Correlation"). Inbound requests go to `onRequest`; every pending
/// request fails with `connectionClosed` when the connection closes. Both the server's connections and
/// the client use it.
internal final class RpcChannel: NacosPayloadConnectionHandler {
    /// What the owner does with inbound requests and with the close.
    struct Callbacks: Sendable {
        /// An inbound request payload, on the connection's event loop.
        var onRequest: @Sendable (RpcChannel, NacosPayload) -> Void
        /// A message that does not decode; the channel answers it when it can and keeps the connection.
        var onMalformedFrame: @Sendable (RpcChannel, NacosRemoteError) -> Void = { _, _ in }
        /// The connection closed.
        var onClose: @Sendable (RpcChannel, (any Error)?) -> Void = { _, _ in }
    }

    private typealias Continuation = CheckedContinuation<any NacosResponse, any Error>

    private struct Pending {
        let continuation: Continuation
        var timer: (any NacosTimer)?
    }

    private struct State {
        var nextCallId: UInt64 = 0
        var calls: [UInt64: Pending] = [:]
        var pushes: [String: Pending] = [:]
        var closedError: NacosRemoteError?
        var callbacks: Callbacks?
    }

    /// The payload connection underneath.
    let connection: any NacosPayloadConnection
    /// The payload types this end knows.
    let registry: NacosPayloadRegistry
    /// The clock for timeouts and activity stamps.
    let clock: any NacosClock
    private let state = Mutex(State())
    private let lastReadMillis: Atomic<Int64>
    private let traced = Atomic<Bool>(false)
    private let logger: NacosLogger

    init(connection: any NacosPayloadConnection, registry: NacosPayloadRegistry, clock: any NacosClock, logger: NacosLogger) {
        self.connection = connection
        self.registry = registry
        self.clock = clock
        self.logger = logger
        self.lastReadMillis = Atomic(clock.nowMillis())
    }

    /// Installs the callbacks and starts reading.
    func start(_ callbacks: Callbacks) {
        self.state.withLock { $0.callbacks = callbacks }
        self.connection.start(self)
    }

    /// When a frame was last read, in the clock's epoch milliseconds.
    var lastReadTime: Int64 { self.lastReadMillis.load(ordering: .relaxed) }

    /// Whether every payload in and out is logged in detail (the limit rule's `monitorIpList`).
    var isTraced: Bool {
        get { self.traced.load(ordering: .relaxed) }
        set { self.traced.store(newValue, ordering: .relaxed) }
    }

    /// Whether the connection has closed (as far as this channel has seen).
    var isClosed: Bool { self.state.withLock { $0.closedError != nil } }

    // MARK: - Outbound

    /// Sends `request` as a unary call and waits for its response, failing after `timeout`.
    func call(_ request: some NacosRequest, clientIp: String = "", timeout: Duration) async throws -> any NacosResponse {
        let callId = self.state.withLock { state -> UInt64 in
            state.nextCallId &+= 1
            if state.nextCallId == 0 { state.nextCallId = 1 }
            return state.nextCallId
        }
        let payload = try self.traced(NacosPayload.request(request, callId: callId, clientIp: clientIp))
        return try await self.await(key: .call(callId), payload: payload, timeout: timeout, describing: request.typeName)
    }

    /// Sends a server push (`request.requestId` must be set) and waits for the response carrying that
    /// `requestId`, failing after `timeout`, or at once with `connectionBusy` when the connection is not writable.
    func push(_ request: some NacosRequest, timeout: Duration) async throws -> any NacosResponse {
        guard let requestId = request.requestId else {
            preconditionFailure("a push needs a requestId")
        }
        guard self.connection.isWritable else {
            throw NacosRemoteError(.connectionBusy, "connection \(self.connection.id) is not writable; \(request.typeName) not sent")
        }
        let payload = try self.traced(NacosPayload.request(request))
        return try await self.await(key: .push(requestId), payload: payload, timeout: timeout, describing: request.typeName)
    }

    /// Sends a request that expects no response (ConnectionSetupRequest, SetupAckRequest, fire-and-forget
    /// pushes), failing with `connectionBusy` when the connection is not writable.
    func sendWithoutResponse(_ request: some NacosRequest, clientIp: String = "") throws {
        guard self.connection.isWritable else {
            throw NacosRemoteError(.connectionBusy, "connection \(self.connection.id) is not writable; \(request.typeName) not sent")
        }
        try self.send(self.traced(NacosPayload.request(request, clientIp: clientIp)), completion: nil)
    }

    /// Sends `response` answering call `callId` (0 for an answer to a push).
    func respond(_ response: any NacosResponse, callId: UInt64) {
        do {
            let logger = self.logger
            let connectionId = self.connection.id
            try self.send(self.traced(NacosPayload.response(response, callId: callId))) { result in
                if case .failure(let error) = result {
                    logger.warning("cannot send \(response.typeName) on connection \(connectionId): \(error)")
                }
            }
        } catch {
            self.logger.warning("cannot send \(response.typeName) on connection \(self.connection.id): \(error)")
        }
    }

    private enum Key: Sendable {
        case call(UInt64)
        case push(String)
    }

    /// Logs an outbound payload when the connection is traced, and returns it.
    private func traced(_ payload: NacosPayload) -> NacosPayload {
        if self.isTraced {
            self.logger.info("[traced] send \(payload.kind) \(payload.type) callId=\(payload.callId) on \(self.connection.id): \(Self.text(payload.body))")
        }
        return payload
    }

    private static func text(_ body: NacosByteBuffer) -> String {
        body.getString(at: body.readerIndex, length: body.readableBytes) ?? "<\(body.readableBytes) bytes>"
    }

    private func send(_ payload: NacosPayload, completion: (@Sendable (Result<Void, NacosTransportError>) -> Void)?) throws {
        if let error = self.state.withLock({ $0.closedError }) { throw error }
        try self.connection.send(payload, completion: completion)
    }

    private func await(key: Key, payload: NacosPayload, timeout: Duration, describing typeName: String) async throws -> any NacosResponse {
        try await withCheckedThrowingContinuation { (continuation: Continuation) in
            let closed = self.state.withLock { state -> NacosRemoteError? in
                if let error = state.closedError { return error }
                switch key {
                case .call(let id): state.calls[id] = Pending(continuation: continuation)
                case .push(let id): state.pushes[id] = Pending(continuation: continuation)
                }
                return nil
            }
            if let closed {
                continuation.resume(throwing: closed)
                return
            }
            let timer = self.clock.schedule(after: timeout, on: self.connection.eventLoop) { [weak self] in
                self?.complete(key, with: .failure(NacosRemoteError(.timeout, "no response to \(typeName) within \(timeout)")))
            }
            let stillPending = self.state.withLock { state -> Bool in
                switch key {
                case .call(let id):
                    guard state.calls[id] != nil else { return false }
                    state.calls[id]?.timer = timer
                case .push(let id):
                    guard state.pushes[id] != nil else { return false }
                    state.pushes[id]?.timer = timer
                }
                return true
            }
            if !stillPending { timer.cancel() }
            do {
                try self.connection.send(payload) { [weak self] result in
                    if case .failure(let error) = result {
                        self?.complete(key, with: .failure(NacosRemoteError(.connectionClosed, "\(typeName) not sent: \(error)")))
                    }
                }
            } catch {
                self.complete(key, with: .failure(error))
            }
        }
    }

    private func complete(_ key: Key, with result: Result<any NacosResponse, any Error>) {
        let pending = self.state.withLock { state -> Pending? in
            switch key {
            case .call(let id): state.calls.removeValue(forKey: id)
            case .push(let id): state.pushes.removeValue(forKey: id)
            }
        }
        guard let pending else { return }
        pending.timer?.cancel()
        pending.continuation.resume(with: result)
    }

    // MARK: - Inbound

    func connection(_ connection: any NacosPayloadConnection, didReceive payload: NacosPayload) {
        self.lastReadMillis.store(self.clock.nowMillis(), ordering: .relaxed)
        if self.isTraced {
            self.logger.info("[traced] receive \(payload.kind) \(payload.type) callId=\(payload.callId) on \(connection.id): \(Self.text(payload.body))")
        }
        switch payload.kind {
        case .request:
            self.state.withLock { $0.callbacks }?.onRequest(self, payload)
        case .response:
            self.receiveResponse(payload)
        }
    }

    private func receiveResponse(_ payload: NacosPayload) {
        let result: Result<any NacosResponse, any Error>
        do {
            result = .success(try self.registry.decodeResponse(payload))
        } catch {
            result = .failure(error)
        }
        if payload.callId != 0 {
            self.complete(.call(payload.callId), with: result)
            return
        }
        guard case .success(let response) = result, let requestId = response.requestId else {
            self.logger.debug("dropping an uncorrelated \(payload.type) on connection \(self.connection.id)")
            return
        }
        self.complete(.push(requestId), with: result)
    }

    /// A message that does not decode: a request is answered with `ErrorResponse(502)` when its call id is
    /// known, so the caller fails fast instead of timing out, and a response fails its call; the
    /// connection stays open.
    func connection(
        _ connection: any NacosPayloadConnection,
        didReceiveUndecodable error: NacosRemoteError,
        kind: NacosPayload.Kind?,
        callId: UInt64
    ) {
        self.lastReadMillis.store(self.clock.nowMillis(), ordering: .relaxed)
        self.logger.warning("malformed frame on connection \(connection.id): \(error)")
        self.state.withLock { $0.callbacks }?.onMalformedFrame(self, error)
        guard callId != 0 else { return }
        switch kind {
        case .request:
            self.respond(ErrorResponse.build(code: .badGateway, message: "malformed frame: \(error.message)"), callId: callId)
        case .response:
            self.complete(.call(callId), with: .failure(error))
        case nil:
            break
        }
    }

    func connectionClosed(_ connection: any NacosPayloadConnection, error: (any Error)?) {
        self.failAll(NacosRemoteError(.connectionClosed, "connection \(connection.id) closed" + (error.map { ": \($0)" } ?? "")))
        self.state.withLock { $0.callbacks }?.onClose(self, error)
    }

    /// Fails every pending request with `error` and refuses new ones.
    func failAll(_ error: NacosRemoteError) {
        let pending = self.state.withLock { state -> [Pending] in
            if state.closedError == nil { state.closedError = error }
            let all = Array(state.calls.values) + Array(state.pushes.values)
            state.calls.removeAll()
            state.pushes.removeAll()
            return all
        }
        for entry in pending {
            entry.timer?.cancel()
            entry.continuation.resume(throwing: error)
        }
    }

    /// Closes the connection (flushing what was sent) and fails every pending request.
    func close() {
        self.failAll(NacosRemoteError(.connectionClosed, "connection \(self.connection.id) closed locally"))
        self.connection.close(flush: true)
    }
}
