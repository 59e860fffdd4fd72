import Foundation
import NacosStore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The change feed's thread: a connection that `LISTEN`s on `nacos_store_changes`, reads what changed on
/// every notification and every `interval`, and after a lost connection reconnects with a growing pause
/// and reads again.
final class PostgresListener: @unchecked Sendable {
    private let stopping = Atomic<Bool>(false)
    /// A pipe whose write end wakes the thread from `poll` (stop).
    private var wake: (read: Int32, write: Int32) = (-1, -1)
    private let started = Atomic<Bool>(false)
    private let finished = NSCondition()
    private var running = false

    /// Starts the thread; `catchUp` reads and delivers what changed on the connection it is given,
    /// `reconnected` counts a connection re-established after a loss.
    func start(
        parameters: [(String, String)],
        interval: Duration,
        maxBackoff: Duration,
        catchUp: @escaping @Sendable (PostgresConnection) throws(NacosStoreError) -> Void,
        reconnected: @escaping @Sendable () -> Void
    ) {
        guard !self.started.exchange(true, ordering: .relaxed) else { return }
        var descriptors: [Int32] = [0, 0]
        guard pipe(&descriptors) == 0 else { return }
        self.wake = (descriptors[0], descriptors[1])
        self.finished.lock()
        self.running = true
        self.finished.unlock()
        let thread = Thread { [self] in
            self.run(parameters: parameters, interval: interval, maxBackoff: maxBackoff, catchUp: catchUp, reconnected: reconnected)
            self.finished.lock()
            self.running = false
            self.finished.broadcast()
            self.finished.unlock()
        }
        thread.name = "nacos-pg-listener"
        thread.start()
    }

    /// Stops the thread and waits for it to end.
    func stop() {
        guard !self.stopping.exchange(true, ordering: .relaxed), self.started.load(ordering: .relaxed) else { return }
        var byte: UInt8 = 1
        _ = write(self.wake.write, &byte, 1)
        self.finished.lock()
        while self.running { self.finished.wait() }
        self.finished.unlock()
        close(self.wake.read)
        close(self.wake.write)
    }

    private func run(
        parameters: [(String, String)],
        interval: Duration,
        maxBackoff: Duration,
        catchUp: @Sendable (PostgresConnection) throws(NacosStoreError) -> Void,
        reconnected: @Sendable () -> Void
    ) {
        var connection: PostgresConnection?
        var backoff: Duration = .milliseconds(100)
        var lost = false
        let intervalMillis = Int32(clamping: interval.components.seconds * 1000 + interval.components.attoseconds / 1_000_000_000_000_000)
        while !self.stopping.load(ordering: .relaxed) {
            if connection == nil {
                do {
                    let fresh = try PostgresConnection(parameters: parameters)
                    try fresh.execute("LISTEN nacos_store_changes")
                    connection = fresh
                    backoff = .milliseconds(100)
                    if lost { reconnected() }
                    lost = false
                    try catchUp(fresh)
                } catch {
                    connection = nil
                    lost = true
                    self.pause(backoff)
                    backoff = min(backoff * 2, maxBackoff)
                    continue
                }
            }
            guard let current = connection else { continue }
            var descriptors = [
                pollfd(fd: current.socket, events: Int16(POLLIN), revents: 0),
                pollfd(fd: self.wake.read, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&descriptors, 2, intervalMillis)
            if self.stopping.load(ordering: .relaxed) { break }
            do {
                if ready > 0, descriptors[0].revents != 0 {
                    _ = try current.notifications()
                }
                guard current.isOK else { throw NacosStoreError(.unavailable, "the listening connection was lost") }
                try catchUp(current)
            } catch {
                connection = nil
                lost = true
            }
        }
    }

    /// Waits `duration`, or less when stopped.
    private func pause(_ duration: Duration) {
        var descriptor = pollfd(fd: self.wake.read, events: Int16(POLLIN), revents: 0)
        let millis = Int32(clamping: duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
        _ = poll(&descriptor, 1, millis)
    }
}
