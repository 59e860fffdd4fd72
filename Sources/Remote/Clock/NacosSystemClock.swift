#if canImport(Glibc)
import Glibc
#endif
public import NacosTransport

/// The real clock: `clock_gettime(CLOCK_REALTIME)` for timestamps, event-loop timers for scheduling.
public struct NacosSystemClock: NacosClock {
    /// The loops that run timers scheduled without a loop of their own.
    public let group: NacosEventLoopGroup

    /// Creates the clock; timers without a loop run on `group` (the shared group by default).
    public init(group: NacosEventLoopGroup = .shared) {
        self.group = group
    }

    /// Milliseconds since the Unix epoch.
    public func nowMillis() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }

    /// Schedules `work` on `eventLoop` (or the next loop of `group`) after `delay`.
    @discardableResult
    public func schedule(after delay: Duration, on eventLoop: NacosEventLoop?, _ work: @escaping @Sendable () -> Void) -> any NacosTimer {
        let loop = eventLoop ?? self.group.next()
        return loop.scheduleTask(in: delay, work)
    }
}

extension NacosScheduledTask: NacosTimer {}
