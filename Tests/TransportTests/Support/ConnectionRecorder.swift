import NacosTestKit
import NacosTransport
import Synchronization

/// An acceptor that keeps every accepted connection and starts it with a handler from `makeHandler`.
final class AcceptedConnections: Sendable {
    private let storage = Mutex<[(connection: any NacosConnection, handler: FrameCollector)]>([])
    private let echo: Bool

    /// - Parameter echo: whether the accepted side echoes frames back, or only collects them.
    init(echo: Bool = false) {
        self.echo = echo
    }

    /// Pass this to `listen(on:acceptor:)`.
    var acceptor: @Sendable (any NacosConnection) -> Void {
        { connection in
            let handler = FrameCollector(echo: self.echo)
            self.storage.withLock { $0.append((connection, handler)) }
            connection.start(handler)
        }
    }

    var count: Int { self.storage.withLock { $0.count } }

    /// The accepted connection at `index` and its handler.
    func entry(_ index: Int) -> (connection: any NacosConnection, handler: FrameCollector) {
        self.storage.withLock { $0[index] }
    }

    /// Waits until `count` connections were accepted.
    func waitForCount(_ count: Int, timeout: Duration = .seconds(10)) async throws {
        try await waitUntil(timeout: timeout, "\(count) accepted connections") { self.count >= count }
    }
}

/// Records send completions by index so a test can wait for them with a deadline.
final class SendResults: Sendable {
    private let storage = Mutex<[Int: Result<Void, NacosTransportError>]>([:])

    /// Sends `frame` on `connection` and records its completion under `index`.
    func send(_ frame: NacosByteBuffer, on connection: any NacosConnection, index: Int) {
        connection.send(frame) { result in
            self.storage.withLock { $0[index] = result }
        }
    }

    func result(_ index: Int) -> Result<Void, NacosTransportError>? { self.storage.withLock { $0[index] } }
    var completedCount: Int { self.storage.withLock { $0.count } }
    var all: [Int: Result<Void, NacosTransportError>] { self.storage.withLock { $0 } }

    /// The error codes of the failed sends, by index.
    var failures: [Int: NacosTransportError.Code] {
        self.storage.withLock { results in
            var failures: [Int: NacosTransportError.Code] = [:]
            for (index, result) in results {
                if case .failure(let error) = result { failures[index] = error.code }
            }
            return failures
        }
    }

    /// Waits until the send at `index` completed and returns its result.
    func waitFor(_ index: Int, timeout: Duration = .seconds(10)) async throws -> Result<Void, NacosTransportError> {
        try await waitUntil(timeout: timeout, "completion of send \(index)") { self.result(index) != nil }
        return self.result(index)!
    }
}

/// Sends one frame and waits (with a deadline) for its completion.
func sendAndWait(_ frame: NacosByteBuffer, on connection: any NacosConnection, timeout: Duration = .seconds(10)) async throws
    -> Result<Void, NacosTransportError>
{
    let results = SendResults()
    results.send(frame, on: connection, index: 0)
    return try await results.waitFor(0, timeout: timeout)
}
