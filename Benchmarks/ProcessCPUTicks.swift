import Foundation

/// CPU clock ticks (user + system, plus those of children that exited and were waited for) of processes,
/// read from /proc: one process, or a process and all its descendants (a PostgreSQL postmaster, its backends,
/// and the short-lived parallel workers it forks and reaps).
enum ProcessCPUTicks {
    /// Ticks of `pid` (and its reaped children) so far, or 0 when it is gone.
    static func of(_ pid: Int32) -> Int {
        self.read(pid)?.ticks ?? 0
    }

    /// Ticks of `root` and every process below it so far.
    static func ofTree(_ root: Int32) -> Int {
        var children: [Int32: [Int32]] = [:]
        var ticks: [Int32: Int] = [:]
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int32(entry), let stat = self.read(pid) else { continue }
            ticks[pid] = stat.ticks
            children[stat.parent, default: []].append(pid)
        }
        var total = 0
        var pending = [root]
        var seen = Set<Int32>()
        while let pid = pending.popLast(), seen.count < 100_000 {
            guard seen.insert(pid).inserted else { continue }
            total += ticks[pid] ?? 0
            pending += children[pid] ?? []
        }
        return total
    }

    /// Converts a tick difference over `nanoseconds` to percent of one core.
    static func percent(_ ticks: Int, over nanoseconds: UInt64) -> Double {
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        let seconds = Double(nanoseconds) / 1e9
        guard seconds > 0, ticksPerSecond > 0 else { return 0 }
        return max(0, Double(ticks) / ticksPerSecond / seconds * 100)
    }

    /// Busy ticks of the whole machine so far (as `CPUUsageSample` counts them).
    static func machine() -> Int {
        CPUUsageSample.now().machineBusyTicks
    }

    private static func read(_ pid: Int32) -> (parent: Int32, ticks: Int)? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else {
            return nil
        }
        // After "pid (comm)": state ppid … utime (14th field) stime cutime cstime (17th).
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 14, let parent = Int32(fields[1]), let user = Int(fields[11]), let system = Int(fields[12]),
            let childrenUser = Int(fields[13]), let childrenSystem = Int(fields[14])
        else { return nil }
        return (parent, user + system + childrenUser + childrenSystem)
    }
}
