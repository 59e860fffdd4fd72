import Foundation

extension CPUUsageSample {
    /// CPU used by this process between `start` and `self`, in percent of one core (200% = both cores of
    /// this machine busy).
    func processPercent(since start: CPUUsageSample) -> Double {
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        let seconds = Double(self.nanoseconds &- start.nanoseconds) / 1e9
        guard seconds > 0, ticksPerSecond > 0 else { return 0 }
        return max(0, Double(self.processTicks - start.processTicks) / ticksPerSecond / seconds * 100)
    }
}
