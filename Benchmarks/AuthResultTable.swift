import Foundation

/// Formats `nacos-bench auth` measurements: every measurement in run order, then per protocol the
/// median rates, each round's on/off ratio and their median against the goal.
struct AuthResultTable {
    /// The measurements, in run order.
    let measurements: [AuthMeasurement]
    /// The share of the auth-off rate auth-on should keep.
    let goalRatio: Double

    /// The table of every measurement, header and alignment row included.
    func renderMeasurements() -> String {
        let header = ["protocol", "round", "auth", "result", "p50 latency", "p99 latency", "CPU", "CPU per reg", "other CPU", "instances"]
        let rows = self.measurements.map { measurement -> [String] in
            let result = measurement.result
            return [
                measurement.rpcProtocol.rawValue,
                "\(measurement.round)",
                measurement.authText,
                RegisterResultTable.formatRate(result.rate),
                result.latency.map { ResultTable.formatLatency($0.p50) } ?? "-",
                result.latency.map { ResultTable.formatLatency($0.p99) } ?? "-",
                String(format: "%.0f%%", result.processCPUPercent),
                result.cpuMicrosecondsPerRegistration.map { String(format: "%.1f µs", $0) } ?? "-",
                String(format: "%.0f%%", result.otherCPUPercent),
                ResultTable.grouped(result.size.instances),
            ]
        }
        return ResultTable.markdown(header: header, rows: rows, rightAligned: Set(1..<header.count).subtracting([2]))
    }

    /// The summary table: one row per protocol.
    func renderSummary() -> String {
        let header = [
            "protocol", "auth off (median)", "auth on (median)", "on/off per round", "median on/off", "CPU per reg off/on (median)", "goal",
        ]
        let rows = self.protocols.map { rpcProtocol -> [String] in
            let summary = self.summary(rpcProtocol)
            return [
                rpcProtocol.rawValue,
                RegisterResultTable.formatRate(summary.medianOff),
                RegisterResultTable.formatRate(summary.medianOn),
                summary.ratios.map(Self.formatRatio).joined(separator: ", "),
                Self.formatRatio(summary.medianRatio),
                String(format: "%.1f / %.1f µs", summary.medianCPUOff, summary.medianCPUOn),
                summary.medianRatio >= self.goalRatio ? "met" : "not met",
            ]
        }
        return ResultTable.markdown(header: header, rows: rows, rightAligned: [1, 2, 4, 5])
    }

    /// The verdict line of every protocol.
    func verdicts() -> [String] {
        self.protocols.map { rpcProtocol in
            let summary = self.summary(rpcProtocol)
            return "goal over \(rpcProtocol.rawValue): auth on at least \(Self.formatRatio(self.goalRatio)) of auth off; median of the "
                + "\(summary.ratios.count) rounds \(Self.formatRatio(summary.medianRatio))"
                + (summary.medianRatio >= self.goalRatio ? " (goal met)" : " (below the goal)")
        }
    }

    /// The median rates, each round's on/off ratio, their median, and the median CPU microseconds per
    /// registration off and on, of one protocol.
    func summary(
        _ rpcProtocol: BenchmarkProtocol
    ) -> (medianOff: Double, medianOn: Double, ratios: [Double], medianRatio: Double, medianCPUOff: Double, medianCPUOn: Double) {
        let mine = self.measurements.filter { $0.rpcProtocol == rpcProtocol }
        let rounds = Array(Set(mine.map(\.round))).sorted()
        var ratios: [Double] = []
        for round in rounds {
            let pair = mine.filter { $0.round == round }
            guard let off = pair.first(where: { !$0.authEnabled }), let on = pair.first(where: \.authEnabled), off.result.rate > 0 else { continue }
            ratios.append(on.result.rate / off.result.rate)
        }
        return (
            Self.median(mine.filter { !$0.authEnabled }.map(\.result.rate)),
            Self.median(mine.filter(\.authEnabled).map(\.result.rate)),
            ratios,
            Self.median(ratios),
            Self.median(mine.filter { !$0.authEnabled }.compactMap(\.result.cpuMicrosecondsPerRegistration)),
            Self.median(mine.filter(\.authEnabled).compactMap(\.result.cpuMicrosecondsPerRegistration))
        )
    }

    /// The protocols measured, in run order.
    private var protocols: [BenchmarkProtocol] {
        var seen: [BenchmarkProtocol] = []
        for measurement in self.measurements where !seen.contains(measurement.rpcProtocol) { seen.append(measurement.rpcProtocol) }
        return seen
    }

    /// The median (the mean of the middle two for an even count); 0 when empty.
    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// `97.3%`.
    static func formatRatio(_ ratio: Double) -> String {
        String(format: "%.1f%%", ratio * 100)
    }
}
