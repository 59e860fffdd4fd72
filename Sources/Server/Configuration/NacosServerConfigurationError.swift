/// A configuration that nacos-server refuses: the message names the key, where its value came from, the
/// value and what was expected.
public struct NacosServerConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of mistake was made.
    public enum Kind: Sendable, Hashable {
        /// A value does not parse or is out of range for its key.
        case invalidValue
        /// A key in a strict namespace (or a flag) that no setting has.
        case unknownKey
        /// A command-line argument that is not a flag, or a flag without its value.
        case invalidArgument
        /// The properties file cannot be read.
        case unreadableFile
        /// The properties file has a line that cannot be parsed (a bad `\u` escape).
        case malformedFile
        /// Values that are fine alone but not together (equal ports, TLS on without a certificate).
        case inconsistent
    }

    /// What kind of mistake was made.
    public var kind: Kind
    /// The key (or flag) at fault, when there is one.
    public var key: String?
    /// Where the offending value came from, when known.
    public var source: NacosServerConfigurationSource?
    /// The full explanation.
    public var message: String

    /// Creates an error.
    public init(kind: Kind, key: String?, source: NacosServerConfigurationSource?, message: String) {
        self.kind = kind
        self.key = key
        self.source = source
        self.message = message
    }

    /// The message.
    public var description: String { self.message }
}
