/// The command line of `nacos-bench`, parsed by hand (the package has no dependencies).
enum BenchmarkArguments {
    /// The usage text printed by `--help` and after a bad argument.
    static let usage = """
        USAGE: nacos-bench <command> [options]

        COMMANDS:
          echo      Echo round trips, pipelined frames and one-way streaming between a server and a
                    load generator in this process, over 127.0.0.1 (TCP and/or TLS).
          rpc       NacosRpcClient requests and NacosRpcServer pushes (NacosRemote) in this process, over
                    127.0.0.1, next to the echo scenario of the same shape (the rpc/echo ratio).
          register  Ephemeral registrations/s: naming connections (NacosRpcClient) send InstanceRequest in a
                    closed loop to a naming registry behind a NacosRpcServer in this process, over 127.0.0.1.
          http-register
                    HTTP v1 registrations/s: keep-alive connections send POST /nacos/v1/ns/instance (as 1.x
                    clients do) to the Open API of a registry behind a NacosHTTPServer in this process; takes
                    the register options, --in-flight being the pipelining depth per connection.
          push      Register-to-push latency: a provider changes its instance of a service and a subscriber's
                    NotifySubscriberRequest handler times the push, idle and under background registrations,
                    for several push merge windows.
          distro    Cluster mode: register on node A to the push at a subscriber of node B (NacosServerNodes in
                    cluster mode in this process), idle and under background registrations, per Distro sync
                    delay; and the time a restarted node takes to load a large Distro snapshot.
          memory    Server RSS (VmRSS) after connecting 10k naming clients, registering 100k instances and
                    making 10k subscriptions (clients in a child process by default).
          persistent
                    Durable registrations/s and p50/p99: concurrent writers await registerPersistentInstance on a
                    registry over SQLite and over a PostgreSQL it starts, beside ZooKeeper persistent creates
                    (a ZooKeeper it starts, load from a second process) in the same run.
          restart   Time from a fresh registry over a store holding 100k persistent instances to open()
                    returning, and the process RSS after loading (SQLite, PostgreSQL).
          auth      Registrations/s with auth off and on: the register workload against a NacosServerNode
                    without auth and one with auth (each connection carrying its own login's accessToken), in
                    alternating rounds, with each round's on/off ratio and their median.
          help      Show this text (also --help, -h).

        ECHO OPTIONS:
          --transport tcp|tls|all   Transports to measure (default: all).
          --duration SECONDS        Measured time per scenario, after the warm-up (default: 3).
          --warmup SECONDS          Warm-up time per scenario, not counted (default: 0.5).
          --payload BYTES           Request/response payload size (default: 64).
          --connections N...        Connection counts for the concurrent and pipelined scenarios; several
                                    values may follow the flag or be comma-separated (default: 64).
          --in-flight N             Requests in flight per connection when pipelined (default: 64).
          --stream-frame BYTES      Frame size of the one-way stream (default: 65536).
          --server-threads N        Event loop threads of the server (default: 1; the client always has 1).
          --scenarios LIST          Comma-separated subset of: single, concurrent, pipelined, stream
                                    (default: all four).

        SCENARIOS:
          single      1 connection, 1 request in flight: round trips/s, p50/p99 latency.
          concurrent  N connections, 1 request in flight each: round trips/s, p50/p99 latency.
          pipelined   N connections x --in-flight requests each: frames/s (= round trips/s).
          stream      1 connection; the client sends --stream-frame frames as fast as writability allows,
                      the server counts payload bytes received: MB/s (10^6 bytes/s, one way).

        RPC OPTIONS:
          --transport tcp|tls|all   Transports to measure (default: all).
          --duration SECONDS        Measured time per scenario, after the warm-up (default: 3).
          --warmup SECONDS          Warm-up time per scenario, not counted (default: 0.5).
          --connections N...        Client counts for health-concurrent, push and push-pipelined (and their
                                    echo reference); several values may follow the flag or be
                                    comma-separated (default: 64).
          --in-flight N             Pushes in flight per connection in push-pipelined (default: 16).
          --server-threads N        Event loop threads of the server (default: 1; the clients always have 1).
          --scenarios LIST          Comma-separated subset of: health-single, health-concurrent, push,
                                    push-pipelined (default: health-single,health-concurrent,push).
          --echo-payload BYTES      Payload of the echo reference (default: the size of an encoded
                                    HealthCheckRequest payload).
          --no-echo                 Skip the echo reference (and the rpc/echo ratios).

        RPC SCENARIOS:
          health-single      1 NacosRpcClient, 1 HealthCheckRequest in flight: round trips/s, p50/p99 latency.
          health-concurrent  N clients, 1 HealthCheckRequest in flight each: round trips/s, p50/p99 latency.
          push               N clients; the server pushes ClientDetectionRequest to every connection, 1 in
                             flight per connection: round trips/s, p50/p99 latency.
          push-pipelined     As push, --in-flight pushes in flight per connection: round trips/s.
          Each RPC scenario is preceded by its echo reference (echo single for health-single, echo
          concurrent at the same connection count for the others), and the table shows rpc/echo.

        REGISTER OPTIONS:
          --connections N...        Naming connections; several values may follow the flag or be comma-separated
                                    (default: 64).
          --in-flight N...          Registrations in flight per connection, one scenario per value (default: 1).
          --protocol native|grpc|all  What the clients speak to the server, which serves both (default: all,
                                    measured in turn in one run).
          --services N              Services each connection cycles over, svc-0 ... svc-<N-1>; a connection's
                                    register replaces its own instance of that service (default: 1000).
          --duration SECONDS        Measured time per scenario, after the warm-up (default: 3).
          --warmup SECONDS          Warm-up time per scenario, not counted (default: 1).
          --no-push                 Turn the registry's push service off (there are no subscribers either way).
          --server-threads N        Event loop threads of the server (default: 1; the clients always have 1).

        PUSH OPTIONS:
          --protocol native|grpc|all  What the clients speak (default: all, measured in turn in one run).
          --merge-window MS...      Push merge windows (NamingConfiguration.pushMergeWindow) to measure, in
                                    milliseconds (default: 0,1,5,10).
          --load N...               Background registrations/s from other connections into other services, one
                                    scenario per value; 0 = idle (default: 0,50000). Best effort: the table shows
                                    the rate achieved.
          --samples N               Timed changes per scenario (default: 1000).
          --warmup-changes N        Untimed changes before them (default: 20).
          --warmup SECONDS          Time the background load runs before the first change (default: 0.5).
          --load-connections N      Connections of the background load (default: 32).
          --load-in-flight N        Registrations in flight per background connection (default: 4).
          --load-services N         Services the background load registers into (default: 1000).
          --timeout SECONDS         A change not pushed within this time counts as lost (default: 5).
          --server-threads N        Event loop threads of the server (default: 1; the clients always have 1).

        DISTRO OPTIONS:
          --sync-delay-ms MS...     Distro sync delays (DistroConfiguration.syncDelay) to measure the latency
                                    with, one cluster each (default: 20).
          --samples N               Timed registrations per latency scenario (default: 500).
          --warmup-samples N        Untimed registrations before them (default: 20).
          --background-rate N       Background registrations/s on node A for the loaded scenario; 0 runs the
                                    idle one only (default: 10000). Best effort: the table shows the rate achieved.
          --load-connections N      Connections of the background load (default: 32).
          --load-in-flight N        Registrations in flight per background connection (default: 4).
          --load-services N         Services each background connection cycles over (default: 10).
          --warmup SECONDS          Time the background load runs before the first timed registration (default: 1).
          --timeout SECONDS         A registration not seen on node B within this time counts as lost (default: 5).
          --nodes N                 Members of the latency scenarios' cluster, 2-5 (default: 3).
          --instances N             Instances node A holds for the snapshot scenario; 0 skips it (default: 100000).
          --instances-per-client N  Instances per client of the snapshot, each in another service (default: 10).
          --snapshot-runs N         Starts of node B that load the snapshot (default: 3).
          --cluster-max-frame-mib N Cluster RPC frame limit of every node, in MiB (default: the server's, 10).
          --server-threads N        Event loop threads of each node (default: 1; the clients always have 1).
          --scenarios LIST          Comma-separated subset of: latency, snapshot (default: both).

        MEMORY OPTIONS:
          --connections N           Naming connections (default: 10000).
          --instances N             Instances over all connections, each connection's in different services
                                    (default: 100000, i.e. 10 per connection).
          --subscriptions N         Subscriptions over all connections (default: 10000).
          --services N              Services the instances are spread over (default: 10000).
          --transport tcp|in-memory TCP over 127.0.0.1, or NacosInMemoryTransport pipes (default: tcp). TCP falls
                                    back to in-memory when RLIMIT_NOFILE (raised to its hard limit) is too low.
          --clients separate|same   Run the clients in a child process ('nacos-bench memory-clients', so this
                                    process holds only the server) or in this process (default: separate).
          --settle SECONDS          Pause before each RSS reading (default: 2).

        \(persistentUsage)

        \(authUsage)

        EXAMPLES:
          swift run -c release --scratch-path .build-bench nacos-bench echo --transport tcp --duration 5
          swift run -c release --scratch-path .build-bench nacos-bench rpc --transport tcp
          swift run -c release --scratch-path .build-bench nacos-bench register --connections 64 --in-flight 1,4
          swift run -c release --scratch-path .build-bench nacos-bench http-register --connections 64
          swift run -c release --scratch-path .build-bench nacos-bench push --merge-window 0,10 --load 0,50000
          swift run -c release --scratch-path .build-bench nacos-bench distro --sync-delay-ms 0,20,100
          swift run -c release --scratch-path .build-bench nacos-bench memory
          swift run -c release --scratch-path .build-bench nacos-bench persistent
          swift run -c release --scratch-path .build-bench nacos-bench restart
          swift run -c release --scratch-path .build-bench nacos-bench auth --rounds 3
        """

    /// Parses the arguments after the executable name.
    ///
    /// - Throws: `ArgumentError` describing the first bad argument.
    static func parse(_ arguments: [String]) throws(ArgumentError) -> BenchmarkCommand {
        guard let command = arguments.first else {
            throw ArgumentError("missing command (expected 'echo', 'rpc', 'register', 'http-register', 'push', 'distro', 'memory', 'persistent', 'restart', 'auth' or '--help')")
        }
        let rest = Array(arguments.dropFirst())
        switch command {
        case "--help", "-h", "help":
            return .help
        case "echo":
            if rest.contains("--help") || rest.contains("-h") { return .help }
            return .echo(try self.parseEcho(rest))
        case "rpc":
            if rest.contains("--help") || rest.contains("-h") { return .help }
            return .rpc(try self.parseRpc(rest))
        case "register":
            if rest.contains("--help") || rest.contains("-h") { return .help }
            return .register(try self.parseRegister(rest))
        case "http-register":
            if rest.contains("--help") || rest.contains("-h") { return .help }
            return .httpRegister(try self.parseRegister(rest))
        case "push":
            if rest.contains("--help") || rest.contains("-h") { return .help }
            return .push(try self.parsePush(rest))
        case "distro":
            if rest.contains("--help") || rest.contains("-h") { return .help }
            return .distro(try self.parseDistro(rest))
        case "memory":
            if rest.contains("--help") || rest.contains("-h") { return .help }
            return .memory(try self.parseMemory(rest))
        case "memory-clients":
            return .memoryClients(try self.parseMemoryClients(rest))
        case "persistent":
            if rest.contains("--help") || rest.contains("-h") { return .help }
            return .persistent(try self.parsePersistent(rest))
        case "restart":
            if rest.contains("--help") || rest.contains("-h") { return .help }
            return .restart(try self.parseRestart(rest))
        case "auth":
            if rest.contains("--help") || rest.contains("-h") { return .help }
            return .auth(try self.parseAuth(rest))
        case "zk-load":
            return .zooKeeperLoad(try self.parseZooKeeperLoad(rest))
        case "restart-load":
            return .restartLoad(try self.parseRestartLoad(rest))
        default:
            throw ArgumentError("unknown command '\(command)' (expected 'echo', 'rpc', 'register', 'http-register', 'push', 'distro', 'memory', 'persistent', 'restart', 'auth' or '--help')")
        }
    }

    private static func parseEcho(_ arguments: [String]) throws(ArgumentError) -> EchoOptions {
        var options = EchoOptions()
        var reader = ArgumentReader(arguments)
        while let (flag, inlineValue) = reader.nextFlag() {
            switch flag {
            case "--transport":
                options.transports = try self.transports(reader.value(for: flag, inline: inlineValue))
            case "--duration":
                options.duration = try self.seconds(reader.value(for: flag, inline: inlineValue), flag: flag, minimum: 0.1)
            case "--warmup":
                options.warmup = try self.seconds(reader.value(for: flag, inline: inlineValue), flag: flag, minimum: 0)
            case "--payload":
                options.payloadSize = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 0...(16 * 1024 * 1024))
            case "--connections":
                options.connectionCounts = try self.connectionCounts(reader.values(for: flag, inline: inlineValue), flag: flag)
            case "--in-flight":
                options.pipelineDepth = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...100_000)
            case "--stream-frame":
                options.streamFrameSize = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...(8 * 1024 * 1024))
            case "--server-threads":
                options.serverThreads = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...256)
            case "--scenarios":
                let value = try reader.value(for: flag, inline: inlineValue)
                var kinds: [EchoScenario.Kind] = []
                for part in value.split(separator: ",") {
                    guard let kind = EchoScenario.Kind(rawValue: String(part)) else {
                        throw ArgumentError("--scenarios: unknown scenario '\(part)' (expected single, concurrent, pipelined, stream)")
                    }
                    if !kinds.contains(kind) { kinds.append(kind) }
                }
                guard !kinds.isEmpty else { throw ArgumentError("--scenarios needs at least one scenario") }
                options.scenarioKinds = kinds
            default:
                throw ArgumentError("unknown option '\(flag)' for 'echo'")
            }
        }
        return options
    }

    private static func parseRpc(_ arguments: [String]) throws(ArgumentError) -> RpcOptions {
        var options = RpcOptions()
        var reader = ArgumentReader(arguments)
        while let (flag, inlineValue) = reader.nextFlag() {
            switch flag {
            case "--transport":
                options.transports = try self.transports(reader.value(for: flag, inline: inlineValue))
            case "--duration":
                options.duration = try self.seconds(reader.value(for: flag, inline: inlineValue), flag: flag, minimum: 0.1)
            case "--warmup":
                options.warmup = try self.seconds(reader.value(for: flag, inline: inlineValue), flag: flag, minimum: 0)
            case "--connections":
                options.connectionCounts = try self.connectionCounts(reader.values(for: flag, inline: inlineValue), flag: flag)
            case "--in-flight":
                options.pushInFlight = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...10_000)
            case "--server-threads":
                options.serverThreads = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...256)
            case "--scenarios":
                let value = try reader.value(for: flag, inline: inlineValue)
                var kinds: [RpcScenario.Kind] = []
                for part in value.split(separator: ",") {
                    guard let kind = RpcScenario.Kind(rawValue: String(part)) else {
                        throw ArgumentError(
                            "--scenarios: unknown scenario '\(part)' (expected health-single, health-concurrent, push, push-pipelined)"
                        )
                    }
                    if !kinds.contains(kind) { kinds.append(kind) }
                }
                guard !kinds.isEmpty else { throw ArgumentError("--scenarios needs at least one scenario") }
                options.scenarioKinds = kinds
            case "--echo-payload":
                options.echoPayloadSize = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 0...(16 * 1024 * 1024))
            case "--no-echo":
                guard inlineValue == nil else { throw ArgumentError("--no-echo takes no value") }
                options.runsEchoReference = false
            default:
                throw ArgumentError("unknown option '\(flag)' for 'rpc'")
            }
        }
        return options
    }

    private static func parseRegister(_ arguments: [String]) throws(ArgumentError) -> RegisterOptions {
        var options = RegisterOptions()
        var reader = ArgumentReader(arguments)
        while let (flag, inlineValue) = reader.nextFlag() {
            switch flag {
            case "--duration":
                options.duration = try self.seconds(reader.value(for: flag, inline: inlineValue), flag: flag, minimum: 0.1)
            case "--warmup":
                options.warmup = try self.seconds(reader.value(for: flag, inline: inlineValue), flag: flag, minimum: 0)
            case "--connections":
                options.connectionCounts = try self.connectionCounts(reader.values(for: flag, inline: inlineValue), flag: flag)
            case "--in-flight":
                options.inFlightCounts = try self.integers(reader.values(for: flag, inline: inlineValue), flag: flag, range: 1...1_000)
            case "--services":
                options.serviceCount = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...1_000_000)
            case "--no-push":
                guard inlineValue == nil else { throw ArgumentError("--no-push takes no value") }
                options.pushEnabled = false
            case "--server-threads":
                options.serverThreads = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...256)
            case "--protocol":
                let text = try reader.value(for: flag, inline: inlineValue)
                guard let protocols = BenchmarkProtocol.parse(text) else {
                    throw ArgumentError("--protocol takes native, grpc or all, not '\(text)'")
                }
                options.protocols = protocols
            default:
                throw ArgumentError("unknown option '\(flag)' for 'register'")
            }
        }
        return options
    }

    private static func parsePush(_ arguments: [String]) throws(ArgumentError) -> PushLatencyOptions {
        var options = PushLatencyOptions()
        var reader = ArgumentReader(arguments)
        while let (flag, inlineValue) = reader.nextFlag() {
            switch flag {
            case "--merge-window":
                options.mergeWindowsMilliseconds = try self.integers(reader.values(for: flag, inline: inlineValue), flag: flag, range: 0...10_000)
            case "--load":
                options.loads = try self.integers(reader.values(for: flag, inline: inlineValue), flag: flag, range: 0...10_000_000)
            case "--samples":
                options.samples = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...1_000_000)
            case "--warmup-changes":
                options.warmupChanges = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 0...1_000_000)
            case "--warmup":
                options.warmup = try self.seconds(reader.value(for: flag, inline: inlineValue), flag: flag, minimum: 0)
            case "--load-connections":
                options.loadConnections = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...10_000)
            case "--load-in-flight":
                options.loadInFlight = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...1_000)
            case "--load-services":
                options.loadServiceCount = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...1_000_000)
            case "--timeout":
                options.changeTimeout = try self.seconds(reader.value(for: flag, inline: inlineValue), flag: flag, minimum: 0.01)
            case "--server-threads":
                options.serverThreads = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...256)
            case "--protocol":
                let text = try reader.value(for: flag, inline: inlineValue)
                guard let protocols = BenchmarkProtocol.parse(text) else {
                    throw ArgumentError("--protocol takes native, grpc or all, not '\(text)'")
                }
                options.protocols = protocols
            default:
                throw ArgumentError("unknown option '\(flag)' for 'push'")
            }
        }
        return options
    }

    private static func parseDistro(_ arguments: [String]) throws(ArgumentError) -> DistroOptions {
        var options = DistroOptions()
        var reader = ArgumentReader(arguments)
        while let (flag, inlineValue) = reader.nextFlag() {
            switch flag {
            case "--sync-delay-ms":
                options.syncDelaysMilliseconds = try self.integers(reader.values(for: flag, inline: inlineValue), flag: flag, range: 0...60_000)
            case "--samples":
                options.samples = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...1_000_000)
            case "--warmup-samples":
                options.warmupSamples = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 0...1_000_000)
            case "--background-rate":
                options.backgroundRate = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 0...10_000_000)
            case "--load-connections":
                options.loadConnections = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...10_000)
            case "--load-in-flight":
                options.loadInFlight = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...1_000)
            case "--load-services":
                options.loadServiceCount = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...1_000_000)
            case "--warmup":
                options.warmup = try self.seconds(reader.value(for: flag, inline: inlineValue), flag: flag, minimum: 0)
            case "--timeout":
                options.sampleTimeout = try self.seconds(reader.value(for: flag, inline: inlineValue), flag: flag, minimum: 0.01)
            case "--nodes":
                options.nodes = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 2...5)
            case "--instances":
                options.instances = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 0...10_000_000)
            case "--instances-per-client":
                options.instancesPerClient = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...10_000)
            case "--snapshot-runs":
                options.snapshotRuns = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...100)
            case "--cluster-max-frame-mib":
                options.clusterMaxFrameMiB = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...2047)
            case "--server-threads":
                options.serverThreads = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...256)
            case "--scenarios":
                let value = try reader.value(for: flag, inline: inlineValue)
                var scenarios = Set<DistroScenario>()
                for part in value.split(separator: ",") {
                    guard let scenario = DistroScenario(rawValue: String(part)) else {
                        throw ArgumentError("--scenarios: unknown scenario '\(part)' (expected latency, snapshot)")
                    }
                    scenarios.insert(scenario)
                }
                guard !scenarios.isEmpty else { throw ArgumentError("--scenarios needs at least one scenario") }
                options.scenarios = scenarios
            default:
                throw ArgumentError("unknown option '\(flag)' for 'distro'")
            }
        }
        return options
    }

    private static func parseMemory(_ arguments: [String]) throws(ArgumentError) -> MemoryOptions {
        var options = MemoryOptions()
        var reader = ArgumentReader(arguments)
        while let (flag, inlineValue) = reader.nextFlag() {
            switch flag {
            case "--instances":
                options.instances = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 0...10_000_000)
            case "--connections":
                options.connections = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...100_000)
            case "--subscriptions":
                options.subscriptions = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 0...10_000_000)
            case "--services":
                options.services = try self.integer(reader.value(for: flag, inline: inlineValue), flag: flag, range: 1...10_000_000)
            case "--transport":
                let value = try reader.value(for: flag, inline: inlineValue)
                guard let transport = MemoryOptions.Transport(rawValue: value) else {
                    throw ArgumentError("--transport must be tcp or in-memory, not '\(value)'")
                }
                options.transport = transport
            case "--clients":
                let value = try reader.value(for: flag, inline: inlineValue)
                guard let placement = MemoryOptions.ClientPlacement(rawValue: value) else {
                    throw ArgumentError("--clients must be separate or same, not '\(value)'")
                }
                options.clients = placement
            case "--settle":
                options.settle = try self.seconds(reader.value(for: flag, inline: inlineValue), flag: flag, minimum: 0)
            default:
                throw ArgumentError("unknown option '\(flag)' for 'memory'")
            }
        }
        guard options.instances <= options.connections * options.services else {
            throw ArgumentError("--instances: \(options.instances) instances do not fit in distinct services of \(options.connections) connections")
        }
        guard (options.instances + options.connections - 1) / options.connections <= options.services else {
            throw ArgumentError("--services must be at least the instances per connection (\((options.instances + options.connections - 1) / options.connections))")
        }
        return options
    }

    private static func parseMemoryClients(_ arguments: [String]) throws(ArgumentError) -> MemoryClientOptions {
        var port = 0
        var connections = 10_000
        var instances = 100_000
        var subscriptions = 10_000
        var services = 10_000
        var reader = ArgumentReader(arguments)
        while let (flag, inlineValue) = reader.nextFlag() {
            let value = try reader.value(for: flag, inline: inlineValue)
            switch flag {
            case "--port": port = try self.integer(value, flag: flag, range: 1...65_535)
            case "--connections": connections = try self.integer(value, flag: flag, range: 1...100_000)
            case "--instances": instances = try self.integer(value, flag: flag, range: 0...10_000_000)
            case "--subscriptions": subscriptions = try self.integer(value, flag: flag, range: 0...10_000_000)
            case "--services": services = try self.integer(value, flag: flag, range: 1...10_000_000)
            default: throw ArgumentError("unknown option '\(flag)' for 'memory-clients'")
            }
        }
        guard port > 0 else { throw ArgumentError("memory-clients needs --port") }
        var options = MemoryClientOptions()
        options.port = port
        options.workload = MemoryWorkload(connections: connections, instances: instances, subscriptions: subscriptions, services: services)
        return options
    }

    private static func transports(_ value: String) throws(ArgumentError) -> [BenchmarkTransportKind] {
        switch value {
        case "tcp": return [.tcp]
        case "tls": return [.tls]
        case "all": return [.tcp, .tls]
        default: throw ArgumentError("--transport must be tcp, tls or all, not '\(value)'")
        }
    }

    /// Connection counts given as several values and/or comma-separated lists.
    private static func connectionCounts(_ values: [String], flag: String) throws(ArgumentError) -> [Int] {
        var counts: [Int] = []
        for value in values {
            for part in value.split(separator: ",", omittingEmptySubsequences: false) {
                counts.append(try self.integer(String(part), flag: flag, range: 1...10_000))
            }
        }
        return counts
    }

    /// Integers given as several values and/or comma-separated lists.
    private static func integers(_ values: [String], flag: String, range: ClosedRange<Int>) throws(ArgumentError) -> [Int] {
        var result: [Int] = []
        for value in values {
            for part in value.split(separator: ",", omittingEmptySubsequences: false) {
                result.append(try self.integer(String(part), flag: flag, range: range))
            }
        }
        return result
    }

    static func seconds(_ text: String, flag: String, minimum: Double) throws(ArgumentError) -> Duration {
        guard let value = Double(text), value.isFinite, value >= minimum, value <= 3600 else {
            throw ArgumentError("\(flag) needs a number of seconds between \(minimum) and 3600, not '\(text)'")
        }
        return .nanoseconds(Int64(value * 1e9))
    }

    static func integer(_ text: String, flag: String, range: ClosedRange<Int>) throws(ArgumentError) -> Int {
        guard let value = Int(text), range.contains(value) else {
            throw ArgumentError("\(flag) needs an integer in \(range.lowerBound)...\(range.upperBound), not '\(text)'")
        }
        return value
    }
}

/// Walks a list of arguments, splitting `--flag=value` and collecting flag values.
struct ArgumentReader {
    private let arguments: [String]
    private var index = 0

    init(_ arguments: [String]) { self.arguments = arguments }

    /// The next flag and its `=value`, if it had one.
    mutating func nextFlag() -> (String, String?)? {
        guard self.index < self.arguments.count else { return nil }
        let argument = self.arguments[self.index]
        self.index += 1
        if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
            return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
        }
        return (argument, nil)
    }

    /// The single value of `flag`: its `=value` or the next argument.
    mutating func value(for flag: String, inline: String?) throws(ArgumentError) -> String {
        if let inline { return inline }
        guard self.index < self.arguments.count, !self.arguments[self.index].hasPrefix("--") else {
            throw ArgumentError("\(flag) needs a value")
        }
        defer { self.index += 1 }
        return self.arguments[self.index]
    }

    /// Every value of `flag`: its `=value`, or all following arguments up to the next `--flag`.
    mutating func values(for flag: String, inline: String?) throws(ArgumentError) -> [String] {
        if let inline { return [inline] }
        var values: [String] = []
        while self.index < self.arguments.count, !self.arguments[self.index].hasPrefix("--") {
            values.append(self.arguments[self.index])
            self.index += 1
        }
        guard !values.isEmpty else { throw ArgumentError("\(flag) needs at least one value") }
        return values
    }
}
