/// No `nacos-server` binary was found where `swift test` puts it.
struct ServerExecutableNotFound: Error, CustomStringConvertible {
    /// The paths that were tried.
    let searched: [String]

    var description: String {
        "nacos-server binary not found (set \(ServerExecutable.overrideVariable)); tried:\n  "
            + self.searched.joined(separator: "\n  ")
    }
}
