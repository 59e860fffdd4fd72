import Foundation

/// What the benchmark ran on: core count, CPU model and load, read from /proc.
struct MachineInfo: Sendable {
    /// Online processors (`nproc`).
    let cores: Int
    /// The `model name` line of /proc/cpuinfo.
    let cpuModel: String
    /// The 1-minute load average when the run started.
    let loadAverage: String

    /// Reads the current machine's details.
    static func current() -> MachineInfo {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n")
            .first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        let load = ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?")
            .split(separator: " ").first.map(String.init) ?? "?"
        return MachineInfo(cores: ProcessInfo.processInfo.activeProcessorCount, cpuModel: model, loadAverage: load)
    }
}
