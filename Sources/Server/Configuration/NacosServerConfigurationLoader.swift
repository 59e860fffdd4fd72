/// Builds a `NacosServerConfiguration` from, in increasing precedence: the defaults, a properties file
/// (`--config PATH`), environment variables (each key's relaxed name, such as `SERVER_PORT`) and
/// command-line flags (`--key=value`, `--key value`, `-Dkey=value` and the short forms in `--help`).
public struct NacosServerConfigurationLoader: Sendable {
    /// The server's version, printed by `--version`.
    public static let version = "0.1.0"

    /// Where configuration and certificate files are read from.
    private enum Files: Sendable {
        /// The real file system.
        case system
        /// Files held in memory, by path.
        case memory([String: String])
    }

    /// One `key=value` from one source, before it is applied.
    private struct Setting {
        /// The name as written (a key, an alias or an unknown name).
        var name: String
        /// The value text.
        var value: String
        /// Where it came from.
        var source: NacosServerConfigurationSource
    }

    /// The environment variables consulted (the process's by default).
    public let environment: [String: String]
    private let files: Files

    /// Creates a loader that reads the given environment (the process's when `nil`) and the real file system.
    public init(environment: [String: String]? = nil) {
        self.environment = environment ?? ConfigurationFileSystem.processEnvironment()
        self.files = .system
    }

    /// Creates a loader that reads `environment` and, instead of the file system, the in-memory `files`
    /// (path → contents), for tests and for embedders that keep configuration elsewhere.
    public init(environment: [String: String], files: [String: String]) {
        self.environment = environment
        self.files = .memory(files)
    }

    /// Reads the command line (without the program name) and returns what to do.
    ///
    /// - Throws: `NacosServerConfigurationError` naming the key, its source and value, for the first
    ///   invalid value, unknown key, malformed argument, unreadable file or inconsistent combination.
    public func load(arguments: [String]) throws(NacosServerConfigurationError) -> NacosServerCommand {
        if arguments.contains(where: { $0 == "--help" || $0 == "-h" }) {
            return .help(NacosServerHelpText.make())
        }
        if arguments.contains("--version") {
            return .version("nacos-server \(Self.version) (swift-nacos, Nacos 2.x naming compatible)")
        }
        var warnings: [String] = []
        let (configPath, flagSettings) = try Self.parseFlags(arguments)
        var layers: [[Setting]] = []
        if let configPath {
            layers.append(try self.fileSettings(configPath))
        }
        layers.append(self.environmentSettings())
        layers.append(flagSettings)

        var configuration = NacosServerConfiguration()
        var origins: [String: NacosServerConfigurationSource] = [:]
        for layer in layers {
            var chosen: [String: (setting: Setting, viaAlias: Bool)] = [:]
            for setting in layer {
                guard let key = NacosServerConfigurationKey.named(setting.name) else {
                    try Self.handleUnknown(setting, warnings: &warnings)
                    continue
                }
                let viaAlias = setting.name != key.name
                if let existing = chosen[key.name], !existing.viaAlias, viaAlias { continue }
                chosen[key.name] = (setting, viaAlias)
            }
            for key in NacosServerConfigurationKey.all {
                guard let (setting, _) = chosen[key.name] else { continue }
                try key.apply(setting.value, from: setting.source, to: &configuration)
                origins[key.name] = setting.source
            }
        }
        try ConfigurationValidator(origins: origins, isReadableFile: self.isReadableFile, readFile: self.readFile)
            .validate(configuration, warnings: &warnings)
        return .run(configuration, warnings: warnings)
    }

    /// Whether `path` names a readable regular file, in this loader's file system.
    internal func isReadableFile(_ path: String) -> Bool {
        switch self.files {
        case .system: ConfigurationFileSystem.isReadableFile(path)
        case .memory(let files): files[path] != nil
        }
    }

    /// The contents of the file at `path`, in this loader's file system.
    internal func readFile(_ path: String) -> Result<String, ConfigurationFileSystem.ReadFailure> {
        switch self.files {
        case .system: ConfigurationFileSystem.read(path)
        case .memory(let files): files[path].map { .success($0) } ?? .failure(.init(reason: "No such file or directory"))
        }
    }

    /// The entries of the properties file at `path`.
    private func fileSettings(_ path: String) throws(NacosServerConfigurationError) -> [Setting] {
        switch self.readFile(path) {
        case .failure(let failure):
            throw NacosServerConfigurationError(
                kind: .unreadableFile, key: "--config", source: .flag("--config"),
                message: "cannot read configuration file \(path) (from flag --config): \(failure.reason)"
            )
        case .success(let text):
            let file = try NacosPropertiesFile(path: path, contents: text)
            return file.entries.map { Setting(name: $0.key, value: $0.value, source: .file(path: path, line: $0.line)) }
        }
    }

    /// The settings found in the environment: each key's and alias's relaxed name.
    private func environmentSettings() -> [Setting] {
        var settings: [Setting] = []
        for key in NacosServerConfigurationKey.all {
            // Aliases first, so that the main name is the one that counts when both are set.
            for name in key.aliases + [key.name] {
                let variable = NacosServerConfigurationKey.environmentVariable(for: name)
                if let value = self.environment[variable] {
                    settings.append(Setting(name: name, value: value, source: .environment(variable: variable)))
                }
            }
        }
        return settings
    }

    /// Warns about an ignored Nacos key, or refuses a key that nothing knows.
    private static func handleUnknown(_ setting: Setting, warnings: inout [String]) throws(NacosServerConfigurationError) {
        if UnsupportedNacosKeys.isIgnored(setting.name) {
            warnings.append("ignoring \(setting.name) (from \(setting.source)): a Nacos setting this server does not support\(Self.hint(for: setting))")
            return
        }
        if case .file = setting.source, !UnsupportedNacosKeys.isInStrictNamespace(setting.name) {
            warnings.append("ignoring unknown key \(setting.name) (from \(setting.source))\(Self.hint(for: setting))")
            return
        }
        throw Self.unknownKeyError(setting)
    }

    /// The error for a key that no setting has, with a hint when a known key is close.
    private static func unknownKeyError(_ setting: Setting) -> NacosServerConfigurationError {
        NacosServerConfigurationError(
            kind: .unknownKey, key: setting.name, source: setting.source,
            message: "unknown key \(setting.name) (from \(setting.source))\(Self.hint(for: setting))"
        )
    }

    /// `; did you mean X?` when a known name is close to the setting's, else empty.
    private static func hint(for setting: Setting) -> String {
        var candidates = Self.allNames
        if case .flag = setting.source { candidates += ["config", "port", "log-level", "mode", "help", "version"] }
        guard let suggestion = KeySuggestion.closest(to: setting.name, among: candidates) else { return "" }
        return "; did you mean \(Self.spell(suggestion, like: setting.source))?"
    }

    /// Every key name and alias.
    private static let allNames: [String] = NacosServerConfigurationKey.all.flatMap { [$0.name] + $0.aliases }

    /// `name` written as the source would write it: `--name` for flags, the name otherwise.
    private static func spell(_ name: String, like source: NacosServerConfigurationSource) -> String {
        if case .flag = source { return "--\(name)" }
        return name
    }

    /// Splits the command line into the `--config` path and the settings the other flags make.
    private static func parseFlags(_ arguments: [String]) throws(NacosServerConfigurationError) -> (String?, [Setting]) {
        var configPath: String?
        var settings: [Setting] = []
        var index = 0

        func missingValue(_ flag: String, _ what: String) -> NacosServerConfigurationError {
            NacosServerConfigurationError(
                kind: .invalidArgument, key: flag, source: .flag(flag), message: "flag \(flag) needs a value: \(what)"
            )
        }

        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument.hasPrefix("-D"), argument.count > 2 {
                let body = argument.dropFirst(2)
                guard let equals = body.firstIndex(of: "=") else {
                    throw missingValue(argument, "write -Dkey=value")
                }
                let name = String(body[..<equals])
                settings.append(Setting(name: name, value: String(body[body.index(after: equals)...]), source: .flag("-D\(name)")))
                continue
            }
            let flag: String
            var inlineValue: String?
            if argument.hasPrefix("--"), argument.count > 2 {
                let body = argument.dropFirst(2)
                if let equals = body.firstIndex(of: "=") {
                    flag = "--" + body[..<equals]
                    inlineValue = String(body[body.index(after: equals)...])
                } else {
                    flag = argument
                }
            } else if argument == "-m" {
                flag = argument
            } else {
                throw NacosServerConfigurationError(
                    kind: .invalidArgument, key: nil, source: .flag(argument),
                    message: "unexpected argument \"\(argument)\": settings are written --key=value or --key value (see --help)"
                )
            }

            func value(_ what: String) throws(NacosServerConfigurationError) -> String {
                if let inlineValue { return inlineValue }
                guard index < arguments.count else { throw missingValue(flag, what) }
                index += 1
                return arguments[index - 1]
            }

            switch flag {
            case "--config":
                configPath = try value("the path of a properties file")
            case "--port":
                settings.append(Setting(name: "server.port", value: try value("the HTTP port"), source: .flag(flag)))
            case "--log-level":
                settings.append(Setting(name: "nacos.log.level", value: try value("a log level"), source: .flag(flag)))
            case "-m", "--mode":
                let text = try value("standalone or cluster")
                guard let mode = ConfigurationValueParser.enumeration(text, of: NacosServerConfiguration.Mode.allCases.map(\.rawValue)) else {
                    throw NacosServerConfigurationError(
                        kind: .invalidValue, key: "nacos.standalone", source: .flag(flag),
                        message: "invalid value \"\(text)\" for \(flag) (nacos.standalone): expected standalone or cluster"
                    )
                }
                settings.append(Setting(name: "nacos.standalone", value: String(mode == "standalone"), source: .flag(flag)))
            default:
                let name = String(flag.dropFirst(2))
                let key = NacosServerConfigurationKey.named(name)
                if inlineValue == nil, key == nil, !UnsupportedNacosKeys.isIgnored(name) {
                    // Refuse before taking the next argument as this unknown flag's value.
                    throw Self.unknownKeyError(Setting(name: name, value: "", source: .flag(flag)))
                }
                let text: String
                if let inlineValue {
                    text = inlineValue
                } else if key?.type == .bool {
                    // A boolean flag alone means true; a following true/false word is its value.
                    if index < arguments.count, ConfigurationValueParser.bool(arguments[index]) != nil {
                        text = arguments[index]
                        index += 1
                    } else {
                        text = "true"
                    }
                } else {
                    text = try value(key.map { "expected \($0.expectation)" } ?? "a value")
                }
                settings.append(Setting(name: name, value: text, source: .flag(flag)))
            }
        }
        return (configPath, settings)
    }
}
