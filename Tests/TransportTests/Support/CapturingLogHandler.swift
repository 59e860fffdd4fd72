import NacosTransport
import Synchronization

/// A log handler that keeps every event, so a test can assert what the transport logged.
final class CapturingLogHandler: NacosLogHandler {
    private let storage = Mutex<[NacosLogEvent]>([])

    func log(event: NacosLogEvent) {
        self.storage.withLock { $0.append(event) }
    }

    /// Every event logged so far, oldest first.
    var events: [NacosLogEvent] { self.storage.withLock { $0 } }

    /// A logger that records into this handler at `level` and above.
    func logger(label: String = "test.transport", level: NacosLogger.Level = .trace) -> NacosLogger {
        NacosLogger(label: label, handler: self, logLevel: level)
    }
}
