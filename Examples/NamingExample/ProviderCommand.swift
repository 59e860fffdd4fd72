import NacosClient
import NacosRemote
import NacosTransport

/// `provider --server host:port --service NAME --ip IP --port P`: registers IP:P as an instance of NAME,
/// keeps it registered (across reconnects) until SIGINT or SIGTERM, then deregisters it.
enum ProviderCommand {
    static func run(server: NacosSocketAddress, service: String, ip: String, port: Int) async throws -> Int32 {
        let naming = try NamingService(
            configuration: NamingClientConfiguration(serverAddresses: [server], appName: "naming-example-provider"),
            logger: NacosLogger(label: "naming-example.provider", logLevel: .warning)
        )
        if !(await naming.start()) {
            say("server \(server) not reachable yet; the registration is made once it is")
        }
        do {
            try await naming.registerInstance(serviceName: service, ip: ip, port: port)
            say("registered \(ip):\(port) as \(service) (Ctrl-C to leave)")
        } catch let error as NacosException where error.errorCode == .invalidParam {
            naming.shutdown()
            throw error
        } catch {
            say("registration not acknowledged yet (\(error)); retrying in the background")
        }
        let signal = await TerminationSignal.wait()
        do {
            try await naming.deregisterInstance(serviceName: service, ip: ip, port: port)
            say("\(signal): deregistered \(ip):\(port)")
        } catch {
            say("\(signal): deregistration failed (\(error)); closing the connection removes the instance anyway")
        }
        naming.shutdown()
        return 0
    }
}
