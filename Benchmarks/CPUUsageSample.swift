import Foundation

/// A reading of the machine's and this process's CPU time, to tell how much other processes ran during a
/// measurement (on a 2-core machine, anything else running skews the figures).
struct CPUUsageSample: Sendable {
    /// Busy clock ticks of all CPUs (user, nice, system, irq, softirq, steal) from /proc/stat.
    let machineBusyTicks: Int
    /// User and system clock ticks of this process from /proc/self/stat.
    let processTicks: Int
    /// `MonotonicClock` time of the reading.
    let nanoseconds: UInt64

    /// Reads /proc now; zero ticks where /proc is unreadable.
    static func now() -> CPUUsageSample {
        var machine = 0
        if let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = stat.split(separator: "\n").first, line.hasPrefix("cpu ")
        {
            let fields = line.split(separator: " ").dropFirst().compactMap { Int($0) }
            // user nice system idle iowait irq softirq steal
            for (index, value) in fields.prefix(8).enumerated() where index != 3 && index != 4 {
                machine += value
            }
        }
        var process = 0
        if let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        {
            // Fields after the command name start at field 3 (state); utime and stime are fields 14 and 15.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) {
                process = user + system
            }
        }
        return CPUUsageSample(machineBusyTicks: machine, processTicks: process, nanoseconds: MonotonicClock.nanoseconds())
    }

    /// CPU used by everything except this process between `start` and `self`, in percent of one core.
    func otherProcessesPercent(since start: CPUUsageSample) -> Double {
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        let seconds = Double(self.nanoseconds &- start.nanoseconds) / 1e9
        guard seconds > 0, ticksPerSecond > 0 else { return 0 }
        let others = (self.machineBusyTicks - start.machineBusyTicks) - (self.processTicks - start.processTicks)
        return max(0, Double(others) / ticksPerSecond / seconds * 100)
    }
}
