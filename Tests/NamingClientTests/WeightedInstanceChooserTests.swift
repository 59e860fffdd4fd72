import NacosClient
import NacosNamingAPI
import NacosTestKit
import Testing

/// Weighted random choice (Java's `Chooser`), reproducible with a seeded generator.
@Suite("WeightedInstanceChooser")
struct WeightedInstanceChooserTests {
    @Test(arguments: [UInt64(1), 42, 20_251_121])
    func choicesFollowTheWeights(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let light = Instance(ip: "10.0.0.1", port: 80, weight: 1)
        let heavy = Instance(ip: "10.0.0.2", port: 80, weight: 3)
        let excluded = [
            Instance(ip: "10.0.0.3", port: 80, weight: 100, healthy: false),
            Instance(ip: "10.0.0.4", port: 80, weight: 0),
            Instance(ip: "10.0.0.5", port: 80, weight: 100, enabled: false),
            Instance(ip: "10.0.0.6", port: 80, weight: -5),
            Instance(ip: "10.0.0.7", port: 80, weight: .infinity),
            Instance(ip: "10.0.0.8", port: 80, weight: .nan),
        ]
        var counts: [String: Int] = [:]
        let draws = 10_000
        for _ in 0..<draws {
            let chosen = WeightedInstanceChooser.choose(from: excluded + [light, heavy], using: &random)
            counts[chosen?.ip ?? "none", default: 0] += 1
        }
        #expect(Set(counts.keys) == ["10.0.0.1", "10.0.0.2"])
        let lightShare = Double(counts["10.0.0.1", default: 0]) / Double(draws)
        #expect(lightShare > 0.20 && lightShare < 0.30, "light share \(lightShare)")
    }

    @Test func nothingToChooseGivesNil() {
        var random = SeededRandom(seed: 7)
        #expect(WeightedInstanceChooser.choose(from: [], using: &random) == nil)
        let unusable = [Instance(ip: "10.0.0.1", port: 80, healthy: false), Instance(ip: "10.0.0.2", port: 80, weight: 0)]
        #expect(WeightedInstanceChooser.choose(from: unusable, using: &random) == nil)
        let huge = [Instance(ip: "10.0.0.1", port: 80, weight: .greatestFiniteMagnitude), Instance(ip: "10.0.0.2", port: 80, weight: .greatestFiniteMagnitude)]
        #expect(WeightedInstanceChooser.choose(from: huge, using: &random) != nil)
    }

    @Test func selectOneHealthyInstanceIsWeightedEndToEnd() async throws {
        try await withNamingTestScope { scope in
            let node = try await scope.startRegistry()
            let provider = try await scope.makeService(node)
            let consumer = try await scope.makeService(node)
            let service = UniqueName.next("weighted")
            try await provider.batchRegisterInstance(
                serviceName: service,
                instances: [
                    Instance(ip: "10.0.0.1", port: 80, weight: 1), Instance(ip: "10.0.0.2", port: 80, weight: 3),
                    Instance(ip: "10.0.0.3", port: 80, weight: 5, healthy: false), Instance(ip: "10.0.0.4", port: 80, weight: 0),
                ]
            )
            var random = SeededRandom(seed: 99)
            var heavy = 0
            let draws = 2_000
            for _ in 0..<draws {
                let chosen = try #require(try await consumer.selectOneHealthyInstance(serviceName: service, using: &random))
                #expect(chosen.ip == "10.0.0.1" || chosen.ip == "10.0.0.2")
                if chosen.ip == "10.0.0.2" { heavy += 1 }
            }
            let share = Double(heavy) / Double(draws)
            #expect(share > 0.68 && share < 0.82, "heavy share \(share)")
        }
    }
}
