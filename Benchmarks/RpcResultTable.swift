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
        var widths = header.map(\.count)
        for row in rows {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            let padded = cells.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return rightAligned.contains(column) ? padding + cell : cell + padding
            }
            return "| " + padded.joined(separator: " | ") + " |"
        }
        let separator = "|" + widths.enumerated().map { column, width in
            rightAligned.contains(column) ? String(repeating: "-", count: width + 1) + ":" : String(repeating: "-", count: width + 2)
        }.joined(separator: "|") + "|"
        return ([line(header), separator] + rows.map(line)).joined(separator: "\n")
    }

    /// `87,345 rt/s` (a push round trip counts as one).
    static func formatRate(_ result: RpcResult) -> String {
        "\(ResultTable.grouped(Int(result.rate.rounded()))) rt/s"
    }
}
