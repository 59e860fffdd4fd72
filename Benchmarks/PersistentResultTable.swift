import Foundation

/// Formats `nacos-bench persistent` results as a Markdown table, each row beside the ZooKeeper row of the
/// same run.
struct PersistentResultTable {
    /// The rows, in order.
    let results: [PersistentResult]

    /// The table text, header and alignment row included.
    func render() -> String {
        let zooKeeper = self.results.first { $0.isZooKeeper }
        let header = ["store", "writers", "registrations/s", "p50", "p99", "rate vs ZooKeeper", "p99 vs ZooKeeper", "CPU", "other CPU", "errors"]
        let rows = self.results.map { result -> [String] in
            var rateRatio = "-"
            var p99Ratio = "-"
            if let zooKeeper, !result.isZooKeeper, zooKeeper.rate > 0 {
                rateRatio = String(format: "%.2f×", result.rate / zooKeeper.rate)
                if let ours = result.latency?.p99, let theirs = zooKeeper.latency?.p99, theirs > 0 {
                    p99Ratio = String(format: "%.2f×", Double(ours) / Double(theirs))
                }
            }
            return [
                result.store,
                result.writers,
                ResultTable.grouped(Int(result.rate.rounded())),
                result.latency.map { Self.formatLatency($0.p50) } ?? "-",
                result.latency.map { Self.formatLatency($0.p99) } ?? "-",
                rateRatio,
                p99Ratio,
                String(format: "%.0f%%", result.cpuPercent),
                String(format: "%.0f%%", result.otherCPUPercent),
                ResultTable.grouped(result.failures),
            ]
        }
        return ResultTable.markdown(header: header, rows: rows, rightAligned: Set(1..<header.count))
    }

    /// `850 µs` below 1 ms, else `12.3 ms`.
    static func formatLatency(_ nanoseconds: UInt64) -> String {
        if nanoseconds < 1_000_000 { return String(format: "%.0f µs", Double(nanoseconds) / 1e3) }
        return String(format: "%.2f ms", Double(nanoseconds) / 1e6)
    }
}
