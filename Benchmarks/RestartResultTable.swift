import Foundation

/// Formats `nacos-bench restart` runs as a Markdown table.
struct RestartResultTable {
    /// The rows: the store's label and one run each.
    let rows: [(store: String, run: RestartRun)]

    /// The table text, header and alignment row included.
    func render() -> String {
        let header = ["store", "run", "instances", "services", "open() → ready", "store.open() alone", "RSS before", "RSS after open", "RSS after trim", "other CPU"]
        let cells = self.rows.map { row -> [String] in
            [
                row.store,
                "\(row.run.number)",
                ResultTable.grouped(row.run.instances),
                ResultTable.grouped(row.run.services),
                String(format: "%.0f ms", Double(row.run.openNanoseconds) / 1e6),
                String(format: "%.0f ms", Double(row.run.storeOpenNanoseconds) / 1e6),
                ProcessResources.formatMebibytes(row.run.rssBefore),
                ProcessResources.formatMebibytes(row.run.rssAfter),
                ProcessResources.formatMebibytes(row.run.rssTrimmed),
                "\(row.run.otherCPUPercent)%",
            ]
        }
        return ResultTable.markdown(header: header, rows: cells, rightAligned: Set(1..<header.count))
    }
}
