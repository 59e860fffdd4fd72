/// Formats the memory benchmark's readings as a Markdown table, with `ResultTable`'s renderer.
struct MemoryResultTable {
    /// The readings, in order.
    let stages: [MemoryStage]

    /// The table text, header and alignment row included; deltas and per-item bytes use the trimmed RSS.
    func render() -> String {
        let header = [
            "step", "added", "RSS", "RSS after trim", "Δ (trimmed)", "bytes per item", "services", "instances",
            "subscriptions", "client process RSS",
        ]
        var rows: [[String]] = []
        for (index, stage) in self.stages.enumerated() {
            let previous = index > 0 ? self.stages[index - 1] : nil
            let delta = previous.map { stage.trimmedResidentBytes - $0.trimmedResidentBytes }
            rows.append([
                stage.name,
                stage.added,
                ProcessResources.formatMebibytes(stage.residentBytes),
                ProcessResources.formatMebibytes(stage.trimmedResidentBytes),
                delta.map { ($0 >= 0 ? "+" : "") + ProcessResources.formatMebibytes($0) } ?? "-",
                delta.flatMap { stage.count > 0 ? ResultTable.grouped($0 / stage.count) : nil } ?? "-",
                ResultTable.grouped(stage.size.services),
                ResultTable.grouped(stage.size.instances),
                ResultTable.grouped(stage.size.subscriptions),
                stage.clientResidentBytes.map(ProcessResources.formatMebibytes) ?? "-",
            ])
        }
        return ResultTable.markdown(header: header, rows: rows, rightAligned: Set(2..<header.count))
    }
}
