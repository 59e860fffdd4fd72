extension BenchmarkArguments {
    /// The usage text of `auth`, appended to the main usage.
    static let authUsage = """
        AUTH OPTIONS:
          --connections N           Naming connections of every measurement (default: 64).
          --in-flight N             Registrations in flight per connection (default: 1).
          --protocol native|grpc|all  What the clients speak (default: all, each in its own rounds).
          --rounds N                Off/on pairs per protocol, the order alternating: off, on; on, off; ...
                                    (default: 3). Each measurement has a fresh node and fresh connections.
          --caller user|admin       Who the auth-on connections log in as: user 'bench' with a role holding
                                    rw on public:*:* (every request runs the permission match), or the
                                    administrator 'nacos' (default: user).
          --services N              Services each connection cycles over (default: 1000).
          --duration SECONDS        Measured time per measurement, after the warm-up (default: 3).
          --warmup SECONDS          Warm-up time per measurement, not counted (default: 1).
          --server-threads N        Event loop threads of each node (default: 1; the clients always have 1).
        """

    /// Parses the options of `auth`.
    static func parseAuth(_ arguments: [String]) throws(ArgumentError) -> AuthOptions {
        var options = AuthOptions()
        var reader = ArgumentReader(arguments)
        while let (flag, inlineValue) = reader.nextFlag() {
            switch flag {
            case "--connections":
                options.connections = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...10_000)
            case "--in-flight":
                options.inFlight = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...1_000)
            case "--rounds":
                options.rounds = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...100)
            case "--caller":
                let text = try reader.value(for: flag, inline: inlineValue)
                guard let caller = AuthOptions.Caller(rawValue: text) else {
                    throw ArgumentError("--caller takes user or admin, not '\(text)'")
                }
                options.caller = caller
            case "--services":
                options.serviceCount = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...1_000_000)
            case "--duration":
                options.duration = try self.seconds(reader.value(for: flag, inline: inlineValue), flag: flag, minimum: 0.1)
            case "--warmup":
                options.warmup = try self.seconds(reader.value(for: flag, inline: inlineValue), flag: flag, minimum: 0)
            case "--server-threads":
                options.serverThreads = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...256)
            case "--protocol":
                let text = try reader.value(for: flag, inline: inlineValue)
                guard let protocols = BenchmarkProtocol.parse(text) else {
                    throw ArgumentError("--protocol takes native, grpc or all, not '\(text)'")
                }
                options.protocols = protocols
            default:
                throw ArgumentError("unknown option '\(flag)' for 'auth'")
            }
        }
        return options
    }
}
