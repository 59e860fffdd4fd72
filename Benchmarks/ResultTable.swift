import Foundation

/// Formats benchmark results as a Markdown table (pasteable into docs/benchmarks.md).
struct ResultTable {
    /// The rows, in order.
    let results: [BenchmarkResult]

    /// The table text, header and alignment row included.
    func render() -> String {
        let header = ["transport", "scenario", "connections", "in flight", "result", "p50 latency", "p99 latency", "other CPU"]
        let rows = self.results.map { result -> [String] in
            [
                result.transport.rawValue.uppercased(),
                result.scenario.kind.rawValue,
                "\(result.scenario.connections)",
                result.scenario.kind == .stream ? "-" : "\(result.scenario.inFlight)",
                Self.formatRate(result),
                result.latency.map { Self.formatLatency($0.p50) } ?? "-",
                result.latency.map { Self.formatLatency($0.p99) } ?? "-",
                String(format: "%.0f%%", result.otherCPUPercent),
            ]
        }
        let rightAligned: Set<Int> = [2, 3, 4, 5, 6, 7]
        return Self.markdown(header: header, rows: rows, rightAligned: rightAligned)
    }

    /// `187,345 rt/s`, `1,234,567 frames/s` or `1,234.5 MB/s`.
    static func formatRate(_ result: BenchmarkResult) -> String {
        switch result.scenario.kind {
        case .stream: return String(format: "%.1f MB/s", result.rate / 1e6)
        case .pipelined: return "\(self.grouped(Int(result.rate.rounded()))) frames/s"
        case .single, .concurrent: return "\(self.grouped(Int(result.rate.rounded()))) rt/s"
        }
    }

    /// Microseconds with one decimal, or milliseconds above 10 ms.
    static func formatLatency(_ nanoseconds: UInt64) -> String {
        if nanoseconds >= 10_000_000 { return String(format: "%.1f ms", Double(nanoseconds) / 1e6) }
        return String(format: "%.1f µs", Double(nanoseconds) / 1e3)
    }

    /// Digits grouped by thousands with commas.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return value < 0 ? "-" + out : out
    }

    /// A Markdown table with columns padded to their widest cell; `rightAligned` columns are right-aligned.
    static func markdown(header: [String], rows: [[String]], rightAligned: Set<Int>) -> String {
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
}
