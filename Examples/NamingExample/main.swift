// naming-example: an embedded registry, a provider that registers itself, a consumer that follows a
// service, and a demo that runs all three in one process. Run `naming-example help` for usage.

#if canImport(Glibc)
import Glibc
#endif

let status = await ExampleCommand.run(Array(CommandLine.arguments.dropFirst()))
exit(status)
