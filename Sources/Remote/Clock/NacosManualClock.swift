public import NacosTransport
import Synchronization

/// A clock that moves only when `advance(by:)` is called: tests drive timeouts, ejection and back-off
/// with it, deterministically and without sleeping.
///
/// Work that falls due runs in deadline order (ties in scheduling order), on its event loop when it was
/// scheduled with one, else on the calling thread.
public final class NacosManualClock: NacosClock {
    private struct Entry {
        let deadline: Int64
        let sequence: UInt64
        let timer: ManualTimer
        let eventLoop: NacosEventLoop?
        let work: @Sendable () -> Void
    }

    private struct State {
        var nanoseconds: Int64
        var sequence: UInt64 = 0
        var entries: [Entry] = []
    }

    private let state: Mutex<State>

    /// Creates a clock reading `startMillis` milliseconds since the epoch.
    public init(startMillis: Int64 = 1_700_000_000_000) {
        self.state = Mutex(State(nanoseconds: startMillis * 1_000_000))
    }

    /// The current time in milliseconds since the epoch.
    public func nowMillis() -> Int64 {
        self.state.withLock { $0.nanoseconds / 1_000_000 }
    }

    /// The number of timers waiting to fire (a test waits for a sleeper to arm before advancing).
    public var pendingTimerCount: Int {
        self.state.withLock { state in state.entries.count { !$0.timer.isCancelled } }
    }

    /// Schedules `work` for `delay` after the current manual time.
    @discardableResult
    public func schedule(after delay: Duration, on eventLoop: NacosEventLoop?, _ work: @escaping @Sendable () -> Void) -> any NacosTimer {
        let timer = ManualTimer()
        self.state.withLock { state in
            state.sequence += 1
            let deadline = state.nanoseconds + Self.nanoseconds(delay)
            state.entries.append(Entry(deadline: deadline, sequence: state.sequence, timer: timer, eventLoop: eventLoop, work: work))
        }
        return timer
    }

    /// Moves time forward by `duration`, running every timer that falls due, including timers that due
    /// work schedules within the advanced span.
    public func advance(by duration: Duration) {
        let target = self.state.withLock { $0.nanoseconds + Self.nanoseconds(duration) }
        while let entry = self.popDue(before: target) {
            guard !entry.timer.isCancelled else { continue }
            if let loop = entry.eventLoop {
                loop.execute(entry.work)
            } else {
                entry.work()
            }
        }
        self.state.withLock { $0.nanoseconds = max($0.nanoseconds, target) }
    }

    private func popDue(before target: Int64) -> Entry? {
        self.state.withLock { state in
            var best: Int?
            for (index, entry) in state.entries.enumerated() where entry.deadline <= target {
                if let current = best {
                    let other = state.entries[current]
                    if (entry.deadline, entry.sequence) < (other.deadline, other.sequence) { best = index }
                } else {
                    best = index
                }
            }
            guard let index = best else { return nil }
            let entry = state.entries.remove(at: index)
            state.nanoseconds = max(state.nanoseconds, entry.deadline)
            return entry
        }
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return max(0, seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
