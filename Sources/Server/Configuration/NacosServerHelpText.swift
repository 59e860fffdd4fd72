import NacosTransport

/// The `--help` text, generated from the key table so that it lists every key with its default.
internal enum NacosServerHelpText {
    /// The full usage text.
    static func make() -> String {
        var lines: [String] = [
            "Usage: nacos-server [options] [--KEY=VALUE | --KEY VALUE | -DKEY=VALUE]...",
            "",
            "Runs a Nacos-2.x-style naming server: HTTP on server.port (8848), client RPC on server.port + 1000,",
            "cluster RPC on server.port + 1001, state in memory. Logs go to standard error.",
            "",
            "Options:",
            "  -h, --help             Print this help and exit.",
            "      --version          Print the version and exit.",
            "      --config PATH      Read settings from a properties file (Java .properties syntax).",
            "      --port N           The HTTP port (server.port).",
            "  -m, --mode MODE        standalone or cluster (nacos.standalone=true or false).",
            "      --log-level LEVEL  \(NacosLogger.Level.allCases.map(\.description).joined(separator: "|")) (nacos.log.level).",
            "",
            "Precedence, lowest first: defaults < --config file < environment variables < flags.",
            "Environment variable of a key: upper case with '.' and '-' as '_' (server.port -> SERVER_PORT).",
            "Durations: integer milliseconds or with a unit (500ms, 5s, 2m, 1h). Sizes: bytes or with a unit",
            "(16KiB, 10MiB; KB and MB are binary). Booleans: true/false in any case. Lists: comma-separated.",
            "Keys marked * are this server's own; the others are Nacos's (or Spring Boot's) names.",
        ]
        for section in NacosServerConfigurationKey.Section.allCases {
            lines.append("")
            lines.append("\(section.rawValue):")
            for key in NacosServerConfigurationKey.all where key.section == section {
                let marker = key.isNacosName ? "" : " *"
                lines.append("  --\(key.name)=<\(key.type)>\(marker)   (default: \(key.defaultValue))")
                lines.append("      \(key.meaning)")
                if !key.aliases.isEmpty {
                    lines.append("      Also read as: \(key.aliases.joined(separator: ", ")).")
                }
            }
        }
        lines.append("")
        lines.append("Every key is described in docs/configuration.md.")
        return lines.joined(separator: "\n") + "\n"
    }
}
