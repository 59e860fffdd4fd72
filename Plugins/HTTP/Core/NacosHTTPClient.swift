public import NacosTransport
import Synchronization

/// A minimal keep-alive HTTP/1.1 client over any stream transport, for tests, benchmarks and proxying.
///
/// One connection, requests serialized: concurrent `send` calls wait their turn. The connection opens on
/// the first request and again after the server closed it. Responses framed by `Content-Length`, chunked
/// coding or the end of the stream are understood.
///
/// A request is retried once on a new connection when its connection closed before the request was
/// written, or when it fails on a reused keep-alive connection before any response byte arrived: that is
/// how a server closing an idle connection just as the request left looks. In the second case the server
/// may have received the first copy, so such requests should be idempotent, as Nacos's registry writes are.
public final class NacosHTTPClient: Sendable {
    private struct State {
        var connection: HTTPClientConnection?
        var busy = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var closed = false
    }

    /// Where requests go.
    public let address: NacosSocketAddress
    /// The `Host` field sent with requests that have none.
    public let host: String
    /// How long connecting, and then each response, may take.
    public let timeout: Duration
    /// The largest response accepted (head and body).
    public let maxResponseBytes: Int
    private let transport: any NacosStreamTransport
    private let state = Mutex(State())

    /// Creates a client; nothing connects until the first request.
    ///
    /// - Parameter host: the `Host` field; by default the address (`127.0.0.1:8848`, the name of an
    ///   in-memory endpoint).
    public init(
        transport: any NacosStreamTransport,
        address: NacosSocketAddress,
        host: String? = nil,
        timeout: Duration = .seconds(5),
        maxResponseBytes: Int = 16 * 1024 * 1024
    ) {
        self.transport = transport
        self.address = address
        self.host = host ?? (address.family == .inMemory ? address.host : address.description)
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
    }

    /// Sends `request` (adding `Host` and `Content-Length`) and returns the response.
    ///
    /// - Throws: `HTTPClientError` (`timeout` closes the connection), or the transport's error when it
    ///   cannot connect at all.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let bytes: NacosByteBuffer
        switch HTTPRequestEncoder.encode(request, host: self.host) {
        case .success(let encoded): bytes = encoded
        case .failure(let error): throw error
        }
        await self.acquireTurn()
        defer { self.releaseTurn() }
        var retried = false
        while true {
            let (connection, reused) = try await self.connection()
            do {
                return try await connection.exchange(bytes, headOnly: request.method == .head)
            } catch let error as HTTPClientError {
                let unsent = !error.requestWritten
                let staleKeepAlive = reused && error.code == .connectionClosed && !error.responseStarted
                guard !retried, unsent || staleKeepAlive else { throw error }
                retried = true
                // Never retry on the connection that just failed, even if its close is still on the way.
                connection.close()
            }
        }
    }

    /// Closes the connection; requests in progress or waiting fail with `clientClosed` or
    /// `connectionClosed`, and later ones with `clientClosed`.
    public func close() async {
        let (connection, waiters) = self.state.withLock { state -> (HTTPClientConnection?, [CheckedContinuation<Void, Never>]) in
            state.closed = true
            defer {
                state.connection = nil
                state.waiters = []
            }
            return (state.connection, state.waiters)
        }
        connection?.close()
        for waiter in waiters { waiter.resume() }
    }

    // MARK: - Turns

    private func acquireTurn() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = self.state.withLock { state -> Bool in
                if state.closed || !state.busy {
                    state.busy = true
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    private func releaseTurn() {
        let next = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiters.isEmpty else {
                state.busy = false
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }

    // MARK: - Connection

    /// The open connection, or a new one; `reused` tells whether it carried requests before.
    private func connection() async throws -> (HTTPClientConnection, reused: Bool) {
        let current = try self.state.withLock { (state) throws(HTTPClientError) -> HTTPClientConnection? in
            if state.closed { throw HTTPClientError(.clientClosed, "the client is closed") }
            return state.connection
        }
        if let current, current.isUsable {
            return (current, true)
        }
        current?.close()
        let connection = try await self.connect()
        let stale = self.state.withLock { state -> Bool in
            if state.closed { return true }
            state.connection = connection
            return false
        }
        if stale {
            connection.close()
            throw HTTPClientError(.clientClosed, "the client is closed")
        }
        return (connection, false)
    }

    private func connect() async throws -> HTTPClientConnection {
        let timeout = self.timeout
        let maxResponseBytes = self.maxResponseBytes
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPClientConnection, any Error>) in
            var created: HTTPClientConnection?
            do {
                try self.transport.connectStream(to: self.address, timeout: timeout) { loop in
                    let connection = HTTPClientConnection(
                        eventLoop: loop,
                        timeout: timeout,
                        maxResponseBytes: maxResponseBytes,
                        connectWaiter: continuation
                    )
                    created = connection
                    return connection
                }
            } catch {
                if let created {
                    created.failConnect(error)
                } else {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
