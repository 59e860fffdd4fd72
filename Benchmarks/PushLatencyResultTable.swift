import Foundation

/// Formats `nacos-bench push` results as a Markdown table, with `ResultTable`'s renderer.
struct PushLatencyResultTable {
    /// The rows, in order.
    let results: [PushLatencyResult]

    /// The table text, header and alignment row included.
    func render() -> String {
        let header = [
            "merge window", "load", "achieved load", "changes", "p50 latency", "p99 latency", "max latency", "lost", "register p50", "register p99",
            "CPU", "other CPU",
        ]
        let rows = self.results.map { result -> [String] in
            let summary = result.summary
            return [
                "\(result.mergeWindowMilliseconds) ms",
                result.loadLabel,
                result.targetLoad == 0 ? "-" : "\(ResultTable.grouped(Int(result.achievedLoad.rounded()))) reg/s",
                "\(result.latencies.count)",
                summary.map { ResultTable.formatLatency($0.p50) } ?? "-",
                summary.map { ResultTable.formatLatency($0.p99) } ?? "-",
                result.maximum.map { ResultTable.formatLatency($0) } ?? "-",
                "\(result.timeouts)",
                result.registerSummary.map { ResultTable.formatLatency($0.p50) } ?? "-",
                result.registerSummary.map { ResultTable.formatLatency($0.p99) } ?? "-",
                String(format: "%.0f%%", result.processCPUPercent),
                String(format: "%.0f%%", result.otherCPUPercent),
            ]
        }
        return ResultTable.markdown(header: header, rows: rows, rightAligned: Set(0..<header.count).subtracting([1]))
    }
}
