import Foundation
import Synchronization

/// Ends the process if a scenario hangs: a plain thread that exits with status 3 when not disarmed in time.
final class Watchdog: Sendable {
    private let disarmed = Atomic<Bool>(false)

    /// Starts counting; after `timeout` without `disarm()`, prints `what` and exits.
    init(_ what: String, timeout: Duration) {
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        let thread = Thread { [self] in
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if self.isDisarmed { return }
                Thread.sleep(forTimeInterval: 0.05)
            }
            if self.isDisarmed { return }
            FileHandle.standardError.write(Data("nacos-bench: error: \(what) did not finish within \(timeout); giving up\n".utf8))
            ChildProcessGuard.killAll()
            exit(3)
        }
        thread.name = "nacos-bench-watchdog"
        thread.start()
    }

    /// Stops the countdown.
    func disarm() {
        self.disarmed.store(true, ordering: .releasing)
    }

    private var isDisarmed: Bool {
        self.disarmed.load(ordering: .acquiring)
    }
}
