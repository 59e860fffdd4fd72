import NacosClient
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import NacosTransport
import Testing

/// The redo shell's timer runs on the injected clock: a registration the server could not take is
/// re-sent when the clock reaches the redo interval, and not before.
@Suite("NamingService redo timer")
struct RedoTimerTests {
    @Test func aRegistrationThatFailedIsResentOnTheNextRedoTick() async throws {
        try await withEventLoopGroup { group in
            let transport = NacosInMemoryTransport(group: group, logger: .disabled())
            let fake = try await FakeNamingServer(address: .inMemory(UniqueName.next("redo-fake")), transport: transport)
            let clock = NacosManualClock()
            var configuration = NamingClientConfiguration(serverAddresses: [try fake.address])
            configuration.redoInterval = .seconds(3)
            let client = try NamingService(configuration: configuration, transport: transport, clock: clock, logger: .disabled())
            #expect(await client.start())
            // The redo tick and the RPC client's keep-alive are the only armed timers.
            try await waitUntil("the redo and keep-alive timers armed (now \(clock.pendingTimerCount))") { clock.pendingTimerCount == 2 }

            fake.refuse(with: .overThreshold)
            await #expect(throws: NacosException.self) {
                try await client.registerInstance(serviceName: "svc", ip: "10.0.0.1", port: 80)
            }
            fake.refuse(with: nil)
            let record = try #require(client.redoSnapshot.instances["DEFAULT_GROUP@@svc"])
            #expect(record.flags == NamingRedoFlags(expectedRegistered: true, registered: false))

            clock.advance(by: .milliseconds(2999))
            #expect(fake.requests(InstanceRequest.self).count == 1)
            clock.advance(by: .milliseconds(1))
            try await waitUntil("the registration re-sent and acknowledged") {
                fake.requests(InstanceRequest.self).count == 2 && client.redoSnapshot.instances["DEFAULT_GROUP@@svc"]?.flags.registered == true
            }
            #expect(fake.requests(InstanceRequest.self).last?.instance?.port == 80)

            client.shutdown()
            await fake.shutdown()
        }
    }
}
