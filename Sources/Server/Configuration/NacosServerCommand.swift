/// What the command line asks nacos-server to do.
public enum NacosServerCommand: Sendable {
    /// Run a node with this configuration; `warnings` (ignored Nacos settings and the like) should be logged.
    case run(NacosServerConfiguration, warnings: [String])
    /// Print this usage text to standard output and exit successfully (`--help`, `-h`).
    case help(String)
    /// Print this version line to standard output and exit successfully (`--version`).
    case version(String)
}
