import Foundation

/// The subcommands and their hand-parsed options.
enum ExampleCommand {
    static let usage = """
        usage: naming-example <command> [options]

          server   [--port P]                                   run a registry on 127.0.0.1:P (default 9848)
          provider --server host:port --service NAME --ip IP --port P
                                                                register IP:P until Ctrl-C, then deregister
          consumer --server host:port --service NAME            print every change of NAME's instances
          demo                                                  registry, consumer and providers in one process
          help                                                  show this text
        """

    /// Runs the command named by `arguments[0]` and returns the process exit status.
    static func run(_ arguments: [String]) async -> Int32 {
        guard let command = arguments.first else {
            printError(Self.usage)
            return 2
        }
        do {
            let options = try ExampleOptions(Array(arguments.dropFirst()))
            switch command {
            case "server":
                try options.allowOnly(["port"])
                return try await ServerCommand.run(port: options.int("port") ?? 9848)
            case "provider":
                try options.allowOnly(["server", "service", "ip", "port"])
                return try await ProviderCommand.run(
                    server: try options.address("server"),
                    service: try options.required("service"),
                    ip: try options.required("ip"),
                    port: try options.requiredInt("port")
                )
            case "consumer":
                try options.allowOnly(["server", "service"])
                return try await ConsumerCommand.run(server: try options.address("server"), service: try options.required("service"))
            case "demo":
                try options.allowOnly([])
                return try await DemoCommand.run()
            case "help", "--help", "-h":
                say(Self.usage)
                return 0
            default:
                throw ExampleUsageError("unknown command '\(command)'")
            }
        } catch let error as ExampleUsageError {
            printError("naming-example: \(error.message)\n\n\(Self.usage)")
            return 2
        } catch {
            printError("naming-example: \(error)")
            return 1
        }
    }
}

/// A command line that cannot be understood.
struct ExampleUsageError: Error {
    let message: String

    init(_ message: String) {
        self.message = message
    }
}

/// Writes `text` and a line break to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Writes `text` and a line break to standard output at once (unbuffered, so pipes see it immediately).
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
