import Foundation
import NacosServer

// Everything but the exit lives in NacosServer, so that tests and embedders can run the same code.
let status = await NacosServerLauncher.run(arguments: Array(CommandLine.arguments.dropFirst()))
exit(status)
