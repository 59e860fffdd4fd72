import NacosHTTP
import NacosNaming
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

/// What a 1.x client does over HTTP: register and beat (reference §4.3, §6.6), and list with a UDP port
/// to be pushed changes (§4.4).
@Suite("OpenAPI 1.x client flows") struct OpenAPIClientFlowTests {
    typealias Paths = OpenAPIPaths

    /// Counts the beat answers by code.
    final class BeatTally: Sendable {
        private let counts = Mutex<[Int: Int]>([:])

        func record(_ code: Int) { self.counts.withLock { $0[code, default: 0] += 1 } }

        func count(_ code: Int) -> Int { self.counts.withLock { $0[code, default: 0] } }
    }

    @Test func beatsKeepAnInstanceThenSilenceMakesItUnhealthyThenRemovesIt() async throws {
        try await OpenAPIHarness.run { harness in
            // The timeouts are longer than the stalls of the suite's parallel start on 2 cores.
            let metadata = #"{"preserved.heart.beat.interval":"50","preserved.heart.beat.timeout":"3000","preserved.ip.delete.timeout":"6000"}"#
            try await harness.register("beating", ip: "10.0.0.1", port: 80, [("metadata", metadata)])
            let light = [("serviceName", "beating"), ("ip", "10.0.0.1"), ("port", "80")]

            let tally = BeatTally()
            let intervals = Mutex<Set<Int>>([])
            let beatClient = harness.newClient()
            let beater = Task {
                while !Task.isCancelled {
                    // As the 1.x BeatReactor sends it: parameters in the query string.
                    if let reply = try? await harness.call(.put, Paths.v1Beat, light, via: beatClient) {
                        tally.record(reply.json["code"].int ?? -1)
                        if let interval = reply.json["clientBeatInterval"].int { intervals.withLock { _ = $0.insert(interval) } }
                    }
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
            // More beats than fit in the delete timeout: the instance is still there and healthy, and no
            // beat was ever answered "not found". (The timeouts leave room for a loaded machine's stalls.)
            try await waitUntil(timeout: .seconds(30), "45 beats") { tally.count(10200) >= 45 }
            #expect(tally.count(20404) == 0)
            #expect(intervals.withLock { $0 } == [50], "the interval comes from the instance's metadata")
            let alive = try await harness.hosts("beating")
            #expect(alive.count == 1)
            try await harness.waitFor("the beaten instance to list healthy") {
                try await harness.hosts("beating", [("healthyOnly", "true")]).count == 1
            }
            beater.cancel()
            _ = await beater.value

            // Silence: first unhealthy (kept), then removed.
            try await harness.waitFor("the silent instance to turn unhealthy") {
                try await harness.hosts("beating").first?["healthy"].bool == false
            }
            try await harness.waitFor("the silent instance to be removed") {
                try await harness.hosts("beating").isEmpty
            }

            // A light beat now is "not found", so the 1.x client registers again; a full beat does that itself.
            let lost = try await harness.put(Paths.v1Beat, light)
            #expect(lost.json["code"].int == 20404)
            let beat = #"{"ip":"10.0.0.1","port":80,"serviceName":"DEFAULT_GROUP@@beating","cluster":"DEFAULT","weight":1.0,"metadata":\#(metadata)}"#
            let full = try await harness.put(Paths.v1Beat, [("serviceName", "beating"), ("beat", beat)])
            #expect(full.json["code"].int == 10200, "\(full)")
            #expect(full.json["clientBeatInterval"].int == 50)
            #expect(try await harness.hosts("beating", [("healthyOnly", "true")]).count == 1)
        }
    }

    @Test func udpSubscriberIsPushedAndAcknowledges() async throws {
        try await OpenAPIHarness.run(udp: true) { harness in
            let executor = try #require(harness.udp)
            let subscriber = try await FakeUdpSubscriber.start(on: harness.group.next())
            let agent = [("User-Agent", "Nacos-Java-Client:v1.4.1")]
            let list = try await harness.get(
                Paths.v1List,
                [("serviceName", "pushed"), ("udpPort", String(subscriber.port)), ("clientIP", "127.0.0.1")],
                headers: agent
            )
            #expect(list.status == 200)
            #expect(list.json["cacheMillis"].int == 10_000)

            try await harness.register("pushed", ip: "10.0.0.1", port: 8080)
            try await waitUntil("a push with the new instance") {
                subscriber.packets.contains { $0.serviceInfo["hosts"].array.contains { $0["ip"].string == "10.0.0.1" } }
            }
            let packet = try #require(subscriber.packets.last { $0.serviceInfo["hosts"].array.count == 1 })
            #expect(!packet.isGzipped, "a small push is plain JSON")
            #expect(packet.bytes.count < 1024)
            #expect(packet.type == "dom")
            #expect(packet.lastRefTime != nil)
            #expect(packet.source.port == executor.localAddress.port)
            #expect(packet.serviceInfo["name"].string == "DEFAULT_GROUP@@pushed")
            #expect(packet.serviceInfo["hosts"][0]["port"].int == 8080)

            // Pushes are counted by packet id: a retransmission (an ack late under load) is the same push.
            try await waitUntil("every push acknowledged") {
                let statistics = executor.statistics
                return statistics.acknowledged == subscriber.pushIds.count && statistics.pending == 0
            }
            #expect(subscriber.acksSent == subscriber.packets.count)
            #expect(executor.statistics.failed == 0)
            let metrics = try await harness.get("/metrics").text
            #expect(metrics.contains(#"nacos_udp_push_total{result="acknowledged"} \#(executor.statistics.acknowledged)"#), "\(metrics)")

            // A deregister is pushed too: the subscriber sees the service empty again.
            _ = try await harness.delete(Paths.v1Instance, [("serviceName", "pushed"), ("ip", "10.0.0.1"), ("port", "8080")])
            let received = subscriber.packets.count
            try await waitUntil("a push without the instance") {
                subscriber.packets.dropFirst(received).contains { $0.serviceInfo["hosts"].array.isEmpty && $0.type == "dom" }
            }

            // A push of 1 KiB or more is gzipped.
            let big = (0..<12).map { ("zone\($0)", String(repeating: "z", count: 60)) }
            let bigMetadata = "{" + big.map { "\"\($0.0)\":\"\($0.1)\"" }.joined(separator: ",") + "}"
            let beforeBig = subscriber.packets.count
            try await harness.register("pushed", ip: "10.0.0.3", port: 8080, [("metadata", bigMetadata)])
            try await waitUntil("a gzipped push") {
                subscriber.packets.dropFirst(beforeBig).contains { $0.isGzipped && $0.serviceInfo["hosts"].array.count == 1 }
            }
            let gzipped = try #require(subscriber.packets.dropFirst(beforeBig).first { $0.isGzipped })
            #expect(gzipped.type == "dom")
            #expect(gzipped.serviceInfo["hosts"][0]["metadata"]["zone11"].string == String(repeating: "z", count: 60))
            try await waitUntil("the gzipped push acknowledged") { executor.statistics.acknowledged == subscriber.pushIds.count }

            // A subscriber that stops acknowledging: the push is sent again once, then fails.
            subscriber.setAcknowledges(false)
            let before = executor.statistics
            try await harness.register("pushed", ip: "10.0.0.2", port: 8080)
            try await waitUntil(timeout: .seconds(10), "an unacknowledged push to fail") {
                let statistics = executor.statistics
                return statistics.retransmitted > before.retransmitted && statistics.failed > before.failed
            }
            await subscriber.close()
        }
    }
}
