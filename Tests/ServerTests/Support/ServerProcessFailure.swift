/// A process-level test step failed; carries the end of the server's standard error to explain why.
struct ServerProcessFailure: Error, CustomStringConvertible {
    /// How many trailing characters of standard error the description shows.
    static let logTailLength = 4000

    /// What went wrong.
    let what: String
    /// The server's standard error when it went wrong.
    let standardError: String

    var description: String {
        let tail = String(self.standardError.suffix(Self.logTailLength))
        return "\(self.what)\n--- nacos-server standard error (last \(Self.logTailLength) characters) ---\n\(tail)"
    }
}
