/// Why a `cluster.conf` file or a member list could not be read: the line (for a file), the offending
/// text and what is wrong with it.
public struct ClusterConfError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 1-based line of `cluster.conf` the entry is on; `nil` for a member list.
    public var line: Int?
    /// The entry that could not be read, as written.
    public var text: String
    /// What is wrong with the entry.
    public var message: String

    /// Creates an error.
    public init(line: Int?, text: String, message: String) {
        self.line = line
        self.text = text
        self.message = message
    }

    /// Where the entry is, the entry, and what is wrong with it.
    public var description: String {
        let place = self.line.map { "cluster.conf line \($0)" } ?? "member list"
        return "\(place): '\(self.text)': \(self.message)"
    }
}
