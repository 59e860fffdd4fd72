/// A step of a cluster process test failed; carries the end of every member's standard error.
struct ClusterProcessFailure: Error, CustomStringConvertible {
    /// How many trailing characters of each member's standard error the description shows.
    static let logTailLength = 3000

    /// What went wrong.
    let what: String
    /// Each member's address and its standard error when it went wrong.
    let logs: [(member: String, standardError: String)]

    var description: String {
        var text = self.what
        for log in self.logs {
            text += "\n--- \(log.member) standard error (last \(Self.logTailLength) characters) ---\n"
            text += String(log.standardError.suffix(Self.logTailLength))
        }
        return text
    }
}
