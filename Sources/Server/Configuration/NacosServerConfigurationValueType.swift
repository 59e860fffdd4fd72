/// The kind of value a configuration key takes, which decides how its text is parsed.
public enum NacosServerConfigurationValueType: Sendable, Equatable, CustomStringConvertible {
    /// A whole number, optionally bounded.
    case int
    /// `true` or `false` in any case (also `yes`/`no`, `on`/`off`, `1`/`0`).
    case bool
    /// Integer milliseconds (Nacos style) or a number with a unit: `ms`, `s`, `m`, `h`.
    case duration
    /// A byte count, optionally with a binary unit: `B`, `KiB`/`KB`/`K`, `MiB`/`MB`/`M`, `GiB`/`GB`/`G`.
    case bytes
    /// A decimal number, such as `0.1`.
    case number
    /// Free text.
    case string
    /// A file system path.
    case path
    /// One of a fixed set of words, in any case.
    case enumeration([String])
    /// Comma-separated items, each trimmed; empty items are dropped.
    case list

    /// The name used in docs and `--help`: `int`, `bool`, `duration`, `bytes`, `number`, `string`, `path`,
    /// `a|b`, `list`.
    public var description: String {
        switch self {
        case .int: "int"
        case .bool: "bool"
        case .duration: "duration"
        case .bytes: "bytes"
        case .number: "number"
        case .string: "string"
        case .path: "path"
        case .enumeration(let words): words.joined(separator: "|")
        case .list: "list"
        }
    }
}
