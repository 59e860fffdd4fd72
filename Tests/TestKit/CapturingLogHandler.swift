package import NacosTransport
import Synchronization

/// A log handler that keeps every event, so a test can assert what the transport logged.
package final class CapturingLogHandler: NacosLogHandler {
    private let storage = Mutex<[NacosLogEvent]>([])

    /// Creates an empty recorder.
    package init() {}

    /// Records the event.
    package func log(event: NacosLogEvent) {
        self.storage.withLock { $0.append(event) }
    }

    /// Every event logged so far, oldest first.
    package var events: [NacosLogEvent] { self.storage.withLock { $0 } }

    /// A logger that records into this handler at `level` and above.
    package func logger(label: String = "test.transport", level: NacosLogger.Level = .trace) -> NacosLogger {
        NacosLogger(label: label, handler: self, logLevel: level)
    }

    /// The messages logged so far.
    package var messages: [String] { self.events.map(\.message) }

    /// Waits until a message containing `text` has been logged and returns it.
    @discardableResult
    package func waitForMessage(containing text: String, timeout: Duration = .seconds(10)) async throws -> String {
        try await waitUntil(timeout: timeout, "a log message containing '\(text)'") {
            self.messages.contains { $0.contains(text) }
        }
        return self.messages.first { $0.contains(text) }!
    }
}
