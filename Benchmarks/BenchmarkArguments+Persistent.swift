extension BenchmarkArguments {
    /// The usage text of `persistent` and `restart`, appended to the main usage.
    static let persistentUsage = """
        PERSISTENT OPTIONS:
          --stores LIST             Comma-separated subset of: sqlite, postgres, zookeeper (default: all three).
          --writers N               Concurrent writers, each awaiting one registration (create) at a time; for
                                    ZooKeeper the --zk-connections sessions share them (default: 64).
          --count N                 Registrations (creates) measured per row (default: 20000).
          --warmup-count N          Untimed registrations (creates) before them, the same for every
                                    row; they warm ZooKeeper's JIT (default: 20000).
          --duration SECONDS        Cap: no registration starts after this long into a row (default: 60).
          --services N              Services the registrations are spread over (default: 100).
          --zk-connections N        ZooKeeper sessions; --writers must be a multiple (default: 8).
          --zk-data-bytes N         Data per znode (default: 256, about a stored instance record).
          --pg-pool-size N          Writer connections of NacosPostgresStore (default: the store's default).
          --pg-setting NAME=VALUE   An extra PostgreSQL server setting (passed as -c; repeatable), for experiments.
          --no-http                 Skip the end-to-end row over HTTP v1 (POST ...&ephemeral=false, SQLite).

        RESTART OPTIONS:
          --stores LIST             Comma-separated subset of: sqlite, postgres (default: both).
          --instances N             Persistent instances stored first (default: 100000).
          --services N              Services they are spread over (default: 1000).
          --batch N                 Instances per store commit while filling (default: 1000).
          --runs N                  Fresh registries opened over the store, each in a new process (default: 3).
        """

    /// Parses the options of `persistent`.
    static func parsePersistent(_ arguments: [String]) throws(ArgumentError) -> PersistentOptions {
        var options = PersistentOptions()
        var reader = ArgumentReader(arguments)
        while let (flag, inlineValue) = reader.nextFlag() {
            switch flag {
            case "--stores":
                options.backends = try self.backends(reader.value(for: flag, inline: inlineValue), allowed: PersistentBackend.allCases)
            case "--writers":
                options.writers = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...4096)
            case "--count":
                options.count = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...4_000_000)
            case "--warmup-count":
                options.warmupCount = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 0...1_000_000)
            case "--duration":
                options.duration = try self.seconds(reader.value(for: flag, inline: inlineValue), flag: flag, minimum: 0.1)
            case "--services":
                options.services = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...1_000_000)
            case "--zk-connections":
                options.zooKeeperConnections = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...1024)
            case "--zk-data-bytes":
                options.zooKeeperDataBytes = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 0...1_000_000)
            case "--pg-pool-size":
                options.postgresPoolSize = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...256)
            case "--pg-setting":
                let setting = try reader.value(for: flag, inline: inlineValue)
                guard setting.contains("="), !setting.hasPrefix("=") else { throw ArgumentError("--pg-setting takes NAME=VALUE, not '\(setting)'") }
                options.postgresSettings.append(setting)
            case "--no-http":
                guard inlineValue == nil else { throw ArgumentError("--no-http takes no value") }
                options.http = false
            default:
                throw ArgumentError("unknown option '\(flag)' for 'persistent'")
            }
        }
        if options.writers < options.zooKeeperConnections { options.zooKeeperConnections = options.writers }
        guard options.writers % options.zooKeeperConnections == 0 else {
            throw ArgumentError("--writers (\(options.writers)) must be a multiple of --zk-connections (\(options.zooKeeperConnections))")
        }
        return options
    }

    /// Parses the options of `restart`.
    static func parseRestart(_ arguments: [String]) throws(ArgumentError) -> RestartOptions {
        var options = RestartOptions()
        var reader = ArgumentReader(arguments)
        while let (flag, inlineValue) = reader.nextFlag() {
            switch flag {
            case "--stores":
                options.backends = try self.backends(reader.value(for: flag, inline: inlineValue), allowed: [.sqlite, .postgres])
            case "--instances":
                options.instances = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...10_000_000)
            case "--services":
                options.services = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...1_000_000)
            case "--batch":
                options.batchSize = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...100_000)
            case "--runs":
                options.runs = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...20)
            default:
                throw ArgumentError("unknown option '\(flag)' for 'restart'")
            }
        }
        return options
    }

    /// Parses the options of the hidden `zk-load` child.
    static func parseZooKeeperLoad(_ arguments: [String]) throws(ArgumentError) -> ZooKeeperLoadOptions {
        var options = ZooKeeperLoadOptions()
        var reader = ArgumentReader(arguments)
        while let (flag, inlineValue) = reader.nextFlag() {
            let value = try reader.value(for: flag, inline: inlineValue)
            switch flag {
            case "--port": options.port = try self.integer(value, flag: flag, range: 1...65_535)
            case "--connections": options.connections = try self.integer(value, flag: flag, range: 1...1024)
            case "--in-flight": options.inFlight = try self.integer(value, flag: flag, range: 1...4096)
            case "--count": options.count = try self.integer(value, flag: flag, range: 1...5_000_000)
            case "--warmup-count": options.warmupCount = try self.integer(value, flag: flag, range: 0...1_000_000)
            case "--duration": options.duration = try self.seconds(value, flag: flag, minimum: 0.1)
            case "--data-bytes": options.dataBytes = try self.integer(value, flag: flag, range: 0...1_000_000)
            default: throw ArgumentError("unknown option '\(flag)' for 'zk-load'")
            }
        }
        guard options.port > 0 else { throw ArgumentError("zk-load needs --port") }
        return options
    }

    /// Parses the options of the hidden `restart-load` child.
    static func parseRestartLoad(_ arguments: [String]) throws(ArgumentError) -> RestartLoadOptions {
        var options = RestartLoadOptions()
        var reader = ArgumentReader(arguments)
        while let (flag, inlineValue) = reader.nextFlag() {
            let value = try reader.value(for: flag, inline: inlineValue)
            switch flag {
            case "--store":
                guard let backend = PersistentBackend(rawValue: value), backend != .zookeeper else {
                    throw ArgumentError("--store must be sqlite or postgres, not '\(value)'")
                }
                options.backend = backend
            case "--path": options.path = value
            case "--url": options.url = value
            case "--expect": options.expectedInstances = try self.integer(value, flag: flag, range: 0...10_000_000)
            case "--server-pid": options.serverPid = Int32(try self.integer(value, flag: flag, range: 1...Int(Int32.max)))
            default: throw ArgumentError("unknown option '\(flag)' for 'restart-load'")
            }
        }
        guard options.backend == .sqlite ? !options.path.isEmpty : !options.url.isEmpty else {
            throw ArgumentError("restart-load needs --path (sqlite) or --url (postgres)")
        }
        return options
    }

    private static func backends(_ value: String, allowed: [PersistentBackend]) throws(ArgumentError) -> [PersistentBackend] {
        var backends: [PersistentBackend] = []
        for part in value.split(separator: ",") {
            guard let backend = PersistentBackend(rawValue: String(part)), allowed.contains(backend) else {
                throw ArgumentError("--stores: unknown store '\(part)' (expected \(allowed.map(\.rawValue).joined(separator: ", ")))")
            }
            if !backends.contains(backend) { backends.append(backend) }
        }
        guard !backends.isEmpty else { throw ArgumentError("--stores needs at least one store") }
        return backends
    }
}
