/// Where a configuration value came from, named in error messages and warnings.
public enum NacosServerConfigurationSource: Sendable, Hashable, CustomStringConvertible {
    /// The built-in default.
    case defaults
    /// A line of a properties file.
    case file(path: String, line: Int)
    /// An environment variable.
    case environment(variable: String)
    /// A command-line flag, as written (`--server.port`, `--port`, `-m`).
    case flag(String)

    /// `file PATH:LINE`, `environment variable NAME`, `flag --NAME` or `default`.
    public var description: String {
        switch self {
        case .defaults: "default"
        case .file(let path, let line): "file \(path):\(line)"
        case .environment(let variable): "environment variable \(variable)"
        case .flag(let flag): "flag \(flag)"
        }
    }
}
