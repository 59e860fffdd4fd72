import Foundation

/// Where the naming benchmarks write: results to standard output, progress to standard error.
enum BenchmarkOutput {
    /// Writes a line of results to standard output.
    static func result(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Writes a progress line to standard error.
    static func progress(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// The machine line every naming benchmark starts with, and a warning for debug builds.
    static func header(_ command: String) {
        let machine = MachineInfo.current()
        self.result("nacos-bench \(command): \(machine.cores) cores (\(machine.cpuModel)), load average \(machine.loadAverage)")
        #if DEBUG
        self.result("warning: this is a debug build; build with -c release for meaningful figures")
        #endif
    }

    /// `, other processes 3% of a core`, marked noisy from 10%.
    static func otherCPU(_ percent: Double) -> String {
        var text = String(format: ", other processes %.0f%% of a core", percent)
        if percent >= 10 { text += " (noisy: rerun on a quiet machine)" }
        return text
    }
}
