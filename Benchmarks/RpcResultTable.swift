import Foundation

/// Formats `nacos-bench rpc` results as a Markdown table, in the style of `ResultTable`.
struct RpcResultTable {
    /// The rows, in order.
    let results: [RpcResult]

    /// The table text, header and alignment row included.
    func render() -> String {
        let header = [
            "transport", "scenario", "connections", "in flight", "result", "p50 latency", "p99 latency",
            "CPU", "CPU per rt", "other CPU", "vs echo",
        ]
        let rows = self.results.map { result -> [String] in
            [
                result.transport.rawValue.uppercased(),
                result.scenarioName,
                "\(result.connections)",
                "\(result.inFlight)",
                Self.formatRate(result),
                result.latency.map { ResultTable.formatLatency($0.p50) } ?? "-",
                result.latency.map { ResultTable.formatLatency($0.p99) } ?? "-",
                result.processCPUPercent.map { String(format: "%.0f%%", $0) } ?? "-",
                result.cpuMicrosecondsPerRoundTrip.map { String(format: "%.1f µs", $0) } ?? "-",
                String(format: "%.0f%%", result.otherCPUPercent),
                result.echoRatio.map { String(format: "%.0f%%", $0 * 100) } ?? "-",
            ]
        }
        let rightAligned: Set<Int> = [2, 3, 4, 5, 6, 7, 8, 9, 10]
        return ResultTable.markdown(header: header, rows: rows, rightAligned: rightAligned)
    }

    /// `87,345 rt/s` (a push round trip counts as one).
    static func formatRate(_ result: RpcResult) -> String {
        "\(ResultTable.grouped(Int(result.rate.rounded()))) rt/s"
    }
}
