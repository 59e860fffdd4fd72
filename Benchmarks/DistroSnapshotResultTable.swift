/// Formats `nacos-bench distro`'s snapshot runs as a Markdown table, with `ResultTable`'s renderer.
struct DistroSnapshotResultTable {
    /// The scenario's result.
    let result: DistroSnapshotResult

    /// The table text, header and alignment row included: one row per start of node B.
    func render() -> String {
        let header = [
            "run", "instances on A", "clients", "snapshot JSON", "response body", "B listening", "B initialized", "instances on B", "failed loads",
        ]
        let rows = self.result.runs.enumerated().map { index, run -> [String] in
            [
                "\(index + 1)",
                ResultTable.grouped(self.result.instances),
                ResultTable.grouped(self.result.clients),
                DistroSnapshotScenario.mebibytes(self.result.breakdown.snapshotBytes),
                DistroSnapshotScenario.mebibytes(self.result.breakdown.responseBytes),
                DistroSnapshotScenario.milliseconds(run.startNanoseconds),
                run.initializedNanoseconds.map(DistroSnapshotScenario.milliseconds) ?? "not within 30 s",
                ResultTable.grouped(run.instancesListed),
                "\(run.failedLoads)",
            ]
        }
        return ResultTable.markdown(header: header, rows: rows, rightAligned: Set(0..<header.count))
    }
}
