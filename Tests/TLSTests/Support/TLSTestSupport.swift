import NacosTransport
import Synchronization

/// A condition a test waited for did not become true before its deadline.
struct DeadlineExceeded: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(self.what)" }
}

/// Polls `condition` until it holds, failing after `timeout`; never a fixed sleep.
func waitUntil(timeout: Duration = .seconds(10), _ what: String, _ condition: () -> Bool) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while !condition() {
        guard clock.now < deadline else { throw DeadlineExceeded(what: what) }
        try await Task.sleep(for: .milliseconds(2))
    }
}

/// Sends every received frame straight back.
final class EchoHandler: NacosConnectionHandler {
    func connection(_ connection: any NacosConnection, didReceive frame: NacosByteBuffer) {
        connection.send(frame)
    }

    func connectionClosed(_ connection: any NacosConnection, error: (any Error)?) {}
}

/// Collects a connection's frames and close reason for a test to await.
final class FrameCollector: NacosConnectionHandler {
    struct State {
        var frames: [NacosByteBuffer] = []
        var closed = false
        var closeError: (any Error)?
    }

    let state = Mutex(State())

    func connection(_ connection: any NacosConnection, didReceive frame: NacosByteBuffer) {
        let copy = NacosByteBuffer(bytes: frame.readableBytesArray)
        self.state.withLock { $0.frames.append(copy) }
    }

    func connectionClosed(_ connection: any NacosConnection, error: (any Error)?) {
        self.state.withLock {
            $0.closed = true
            $0.closeError = error
        }
    }

    var frames: [NacosByteBuffer] { self.state.withLock { $0.frames } }
    var isClosed: Bool { self.state.withLock { $0.closed } }
    var closeError: (any Error)? { self.state.withLock { $0.closeError } }

    func waitForFrames(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [NacosByteBuffer] {
        try await waitUntil(timeout: timeout, "\(count) frames") { self.state.withLock { $0.frames.count >= count } }
        return self.frames
    }

    func waitForClose(timeout: Duration = .seconds(10)) async throws {
        try await waitUntil(timeout: timeout, "connection close") { self.isClosed }
    }
}

/// Keeps every log event in memory so tests can check what a transport logged.
final class RecordingLogHandler: NacosLogHandler {
    private let events = Mutex<[NacosLogEvent]>([])

    func log(event: NacosLogEvent) {
        self.events.withLock { $0.append(event) }
    }

    var messages: [String] { self.events.withLock { $0.map(\.message) } }

    /// Waits until a message containing `text` has been logged and returns it.
    @discardableResult
    func waitForMessage(containing text: String, timeout: Duration = .seconds(10)) async throws -> String {
        try await waitUntil(timeout: timeout, "a log message containing '\(text)'") {
            self.messages.contains { $0.contains(text) }
        }
        return self.messages.first { $0.contains(text) }!
    }

    func logger(level: NacosLogger.Level = .debug) -> NacosLogger {
        NacosLogger(label: "nacos.tls.test", handler: self, logLevel: level)
    }
}
