import Foundation

/// Formats `nacos-bench distro` latency results as a Markdown table, with `ResultTable`'s renderer.
struct DistroLatencyResultTable {
    /// The rows, in order.
    let results: [DistroLatencyResult]

    /// The table text, header and alignment row included.
    func render() -> String {
        let header = [
            "sync delay", "nodes", "load", "achieved load", "samples", "B p50", "B p99", "B max", "B lost", "A p50", "A p99",
            "register p50", "register p99", "Distro syncs/s", "CPU", "other CPU",
        ]
        let rows = self.results.map { result -> [String] in
            let remote = result.remoteSummary
            let local = result.localSummary
            let register = result.registerSummary
            return [
                "\(result.syncDelayMilliseconds) ms",
                "\(result.nodes)",
                result.loadLabel,
                result.targetLoad == 0 ? "-" : "\(ResultTable.grouped(Int(result.achievedLoad.rounded()))) reg/s",
                "\(result.remoteLatencies.count)",
                remote.map { ResultTable.formatLatency($0.p50) } ?? "-",
                remote.map { ResultTable.formatLatency($0.p99) } ?? "-",
                result.remoteMaximum.map { ResultTable.formatLatency($0) } ?? "-",
                "\(result.remoteLost)",
                local.map { ResultTable.formatLatency($0.p50) } ?? "-",
                local.map { ResultTable.formatLatency($0.p99) } ?? "-",
                register.map { ResultTable.formatLatency($0.p50) } ?? "-",
                register.map { ResultTable.formatLatency($0.p99) } ?? "-",
                ResultTable.grouped(Int(result.syncsPerSecond.rounded())) + (result.syncFailures > 0 ? " (\(result.syncFailures) failed)" : ""),
                String(format: "%.0f%%", result.processCPUPercent),
                String(format: "%.0f%%", result.otherCPUPercent),
            ]
        }
        return ResultTable.markdown(header: header, rows: rows, rightAligned: Set(0..<header.count).subtracting([2]))
    }
}
