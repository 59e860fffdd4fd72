import Foundation
import NacosTransport

/// What `nacos-server` does between reading its command line and exiting: load the configuration, start
/// a node, wait for SIGINT or SIGTERM, shut down gracefully, and return the exit status.
public enum NacosServerLauncher {
    /// The status for a configuration error (as `EX_USAGE`).
    public static let configurationErrorStatus: Int32 = 64
    /// The status for a node that could not start (a port in use, a bad certificate).
    public static let startFailureStatus: Int32 = 1
    /// The status when a second signal cuts a graceful shutdown short.
    public static let interruptedStatus: Int32 = 130

    /// Runs the server for `arguments` (without the program name) and returns the process's exit status:
    /// 0 after `--help`, `--version` or a graceful shutdown.
    public static func run(arguments: [String], environment: [String: String]? = nil) async -> Int32 {
        let command: NacosServerCommand
        do {
            command = try NacosServerConfigurationLoader(environment: environment).load(arguments: arguments)
        } catch {
            Self.writeStandardError("nacos-server: \(error)\nRun 'nacos-server --help' for every option.\n")
            return Self.configurationErrorStatus
        }
        switch command {
        case .help(let text):
            print(text)
            return 0
        case .version(let line):
            print(line)
            return 0
        case .run(let configuration, let warnings):
            let logger = NacosLogger(label: "nacos.server", logLevel: configuration.logLevel)
            for warning in warnings { logger.warning(warning) }
            let signals = await NacosShutdownSignals.install()
            let node: NacosServerNode
            do {
                node = try await NacosServerNode.start(configuration: configuration, logger: logger)
            } catch {
                logger.error("nacos-server could not start: \(error)")
                return Self.startFailureStatus
            }
            let first = await signals.next()
            logger.info("received \(first)")
            // A second signal while draining ends the process at once.
            let impatient = Task {
                let second = await signals.next()
                logger.warning("received \(second) again; exiting without waiting")
                exit(Self.interruptedStatus)
            }
            await node.shutdown(gracePeriod: configuration.shutdownGracePeriod)
            impatient.cancel()
            return 0
        }
    }

    private static func writeStandardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
