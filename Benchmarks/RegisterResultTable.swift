import Foundation

/// Formats `nacos-bench register` results as a Markdown table, with `ResultTable`'s renderer.
struct RegisterResultTable {
    /// The rows, in order.
    let results: [RegisterResult]

    /// The table text, header and alignment row included.
    func render() -> String {
        let header = [
            "connections", "in flight", "result", "p50 latency", "p99 latency", "CPU", "CPU per reg", "other CPU",
            "services", "instances",
        ]
        let rows = self.results.map { result -> [String] in
            [
                "\(result.connections)",
                "\(result.inFlight)",
                Self.formatRate(result.rate),
                result.latency.map { ResultTable.formatLatency($0.p50) } ?? "-",
                result.latency.map { ResultTable.formatLatency($0.p99) } ?? "-",
                String(format: "%.0f%%", result.processCPUPercent),
                result.cpuMicrosecondsPerRegistration.map { String(format: "%.1f µs", $0) } ?? "-",
                String(format: "%.0f%%", result.otherCPUPercent),
                ResultTable.grouped(result.size.services),
                ResultTable.grouped(result.size.instances),
            ]
        }
        return ResultTable.markdown(header: header, rows: rows, rightAligned: Set(0..<header.count))
    }

    /// `31,234 reg/s`.
    static func formatRate(_ rate: Double) -> String {
        "\(ResultTable.grouped(Int(rate.rounded()))) reg/s"
    }
}
