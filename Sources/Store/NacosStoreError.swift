/// Why a store could not open or commit.
public struct NacosStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Sendable, Equatable {
        /// The store cannot be reached or written now (down, locked, disk full, queue full); retry later.
        case unavailable
        /// The store was written by a newer binary (its schema version is above this binary's).
        case schemaTooNew
        /// The store holds data this binary cannot read.
        case corrupt
        /// A setting is wrong (a bad URL, path or pool size); the message names the key.
        case invalidConfiguration
        /// The store was closed.
        case closed
    }

    /// The kind of failure.
    public let code: Code
    /// What happened, for logs and the client.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(self.code.rawValue): \(self.message)" }
}
