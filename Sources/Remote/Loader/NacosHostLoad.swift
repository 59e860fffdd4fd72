#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The host's load as Nacos reports it: the 1-minute load average, that average per core (`cpu`), and
/// the share of memory in use (`mem`, from /proc/meminfo; 0 where unavailable).
public struct NacosHostLoad: Sendable, Equatable {
    /// The 1-minute load average.
    public var load: Double
    /// The load average divided by the number of online cores.
    public var cpu: Double
    /// The fraction of memory in use, 0…1.
    public var memory: Double

    /// Creates a reading from its parts.
    public init(load: Double, cpu: Double, memory: Double) {
        self.load = load
        self.cpu = cpu
        self.memory = memory
    }

    /// Reads the host's current load.
    public static func current() -> NacosHostLoad {
        var averages = [Double](repeating: 0, count: 3)
        let load = getloadavg(&averages, 3) > 0 ? averages[0] : 0
        let cores = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        return NacosHostLoad(load: load, cpu: load / Double(cores), memory: Self.memoryInUse())
    }

    private static func memoryInUse() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return 0 }
        var total: Double?
        var available: Double?
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, let value = Double(fields[1]) else { continue }
            if fields[0] == "MemTotal:" { total = value }
            if fields[0] == "MemAvailable:" { available = value }
        }
        guard let total, let available, total > 0 else { return 0 }
        return (total - available) / total
    }
}
