import Foundation

// nacos-bench: transport, RPC and naming benchmarks for swift-nacos. See docs/benchmarks.md and `nacos-bench --help`.

let command: BenchmarkCommand
do {
    command = try BenchmarkArguments.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("nacos-bench: error: \(error)\nRun 'nacos-bench --help' for usage.\n".utf8))
    exit(2)
}

switch command {
case .help:
    print(BenchmarkArguments.usage)
case .echo(let options):
    do {
        _ = try await EchoBenchmark(options: options).run()
    } catch {
        FileHandle.standardError.write(Data("nacos-bench: error: \(error)\n".utf8))
        exit(1)
    }
case .rpc(let options):
    do {
        _ = try await RpcBenchmark(options: options).run()
    } catch {
        FileHandle.standardError.write(Data("nacos-bench: error: \(error)\n".utf8))
        exit(1)
    }
case .register(let options):
    do {
        _ = try await RegisterBenchmark(options: options).run()
    } catch {
        FileHandle.standardError.write(Data("nacos-bench: error: \(error)\n".utf8))
        exit(1)
    }
case .httpRegister(let options):
    do {
        _ = try await HTTPRegisterBenchmark(options: options).run()
    } catch {
        FileHandle.standardError.write(Data("nacos-bench: error: \(error)\n".utf8))
        exit(1)
    }
case .push(let options):
    do {
        _ = try await PushLatencyBenchmark(options: options).run()
    } catch {
        FileHandle.standardError.write(Data("nacos-bench: error: \(error)\n".utf8))
        exit(1)
    }
case .distro(let options):
    do {
        try await DistroBenchmark(options: options).run()
    } catch {
        FileHandle.standardError.write(Data("nacos-bench: error: \(error)\n".utf8))
        exit(1)
    }
case .memory(let options):
    do {
        _ = try await MemoryBenchmark(options: options).run()
    } catch {
        FileHandle.standardError.write(Data("nacos-bench: error: \(error)\n".utf8))
        exit(1)
    }
case .memoryClients(let options):
    do {
        try await MemoryClientCommand(options: options).run()
    } catch {
        FileHandle.standardError.write(Data("nacos-bench memory-clients: error: \(error)\n".utf8))
        exit(1)
    }
case .persistent(let options):
    do {
        _ = try await PersistentBenchmark(options: options).run()
    } catch {
        FileHandle.standardError.write(Data("nacos-bench: error: \(error)\n".utf8))
        exit(1)
    }
case .restart(let options):
    do {
        _ = try await RestartBenchmark(options: options).run()
    } catch {
        FileHandle.standardError.write(Data("nacos-bench: error: \(error)\n".utf8))
        exit(1)
    }
case .auth(let options):
    do {
        _ = try await AuthBenchmark(options: options).run()
    } catch {
        FileHandle.standardError.write(Data("nacos-bench: error: \(error)\n".utf8))
        exit(1)
    }
case .zooKeeperLoad(let options):
    do {
        try await ZooKeeperLoadCommand(options: options).run()
    } catch {
        FileHandle.standardError.write(Data("nacos-bench zk-load: error: \(error)\n".utf8))
        exit(1)
    }
case .restartLoad(let options):
    do {
        try await RestartLoadCommand(options: options).run()
    } catch {
        FileHandle.standardError.write(Data("nacos-bench restart-load: error: \(error)\n".utf8))
        exit(1)
    }
}
