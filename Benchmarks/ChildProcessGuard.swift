import Foundation
import Synchronization

/// Keeps the ids of the server processes a benchmark started (ZooKeeper, PostgreSQL) so that they are
/// stopped even when the benchmark ends abnormally: on SIGINT or SIGTERM, and from the watchdog.
enum ChildProcessGuard {
    private static let children = Mutex<[Int32: Int32]>([:])
    private static let signalSources = Mutex<[any DispatchSourceSignal]>([])

    /// Records child `pid`, to be sent `signal` if the benchmark ends before it stops the child itself.
    static func register(_ pid: Int32, emergencySignal signal: Int32 = SIGKILL) {
        self.children.withLock { $0[pid] = signal }
    }

    /// Forgets `pid` (the benchmark stopped and reaped it).
    static func unregister(_ pid: Int32) {
        _ = self.children.withLock { $0.removeValue(forKey: pid) }
    }

    /// Sends every recorded child its emergency signal (the caller is about to exit).
    static func killAll() {
        let children = self.children.withLock { children in
            defer { children = [:] }
            return children
        }
        for (pid, signal) in children { kill(pid, signal) }
    }

    /// Makes SIGINT and SIGTERM stop the recorded children and exit with status 130 (later calls do nothing).
    static func installSignalHandlers() {
        self.signalSources.withLock { sources in
            guard sources.isEmpty else { return }
            for signalNumber in [SIGINT, SIGTERM] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler {
                    FileHandle.standardError.write(Data("nacos-bench: interrupted; stopping the server processes it started\n".utf8))
                    ChildProcessGuard.killAll()
                    exit(130)
                }
                source.resume()
                sources.append(source)
            }
        }
    }
}
