import NacosClient
import NacosNamingAPI
import NacosTransport

/// `consumer --server host:port --service NAME`: subscribes to NAME and prints every change until
/// SIGINT or SIGTERM.
enum ConsumerCommand {
    static func run(server: NacosSocketAddress, service: String) async throws -> Int32 {
        let naming = try NamingService(
            configuration: NamingClientConfiguration(serverAddresses: [server], appName: "naming-example-consumer"),
            logger: NacosLogger(label: "naming-example.consumer", logLevel: .warning)
        )
        if !(await naming.start()) {
            say("server \(server) not reachable yet; subscribing once it is")
        }
        try await naming.subscribe(serviceName: service) { event in
            say(describe(event))
        }
        say("subscribed to \(service) (Ctrl-C to stop)")
        let signal = await TerminationSignal.wait()
        say("\(signal): stopping")
        naming.shutdown()
        return 0
    }
}

/// `service: ip:port, ip:port` (sorted), or `service: (no instances)`.
func describe(_ event: NamingEvent) -> String {
    let instances = event.instances.sorted { ($0.ip, $0.port) < ($1.ip, $1.port) }
    guard !instances.isEmpty else { return "\(event.serviceName): (no instances)" }
    return "\(event.serviceName): " + instances.map { instance in
        var text = instance.inetAddress
        if instance.weight != 1 || !instance.healthy { text += " (weight \(instance.weight)\(instance.healthy ? "" : ", unhealthy"))" }
        return text
    }.joined(separator: ", ")
}
