import NacosTransport

/// `server [--port P]`: a registry on 127.0.0.1:P until SIGINT or SIGTERM.
enum ServerCommand {
    static func run(port: Int) async throws -> Int32 {
        let logger = NacosLogger(label: "naming-example.server", logLevel: .info)
        let registry = try await EmbeddedRegistry(port: port, logger: logger)
        say("registry listening on \(registry.address) (Ctrl-C to stop)")
        let signal = await TerminationSignal.wait()
        say("\(signal): shutting down")
        await registry.shutdown()
        return 0
    }
}
