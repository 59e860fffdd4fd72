import Foundation
import NacosDistro
import NacosHTTP
import NacosServer
import NacosTestKit
import NacosTransport
import Testing

/// Read-your-writes through the HTTP Open API of a three-member cluster (in-process nodes, real wiring):
/// an ephemeral instance write that a member forwards to the member responsible for the instance's
/// `ip:port` is visible on the forwarding member as soon as it answers, long before Distro's sync
/// (`syncDelay`, the default here) would bring it.
@Suite("Read-your-writes over forwarded HTTP writes (three in-process nodes)", .serialized)
struct ReadYourWritesClusterTests {
    /// The register + read rounds per API (v1, v2), spread over the three members.
    static let roundsPerAPI = 1_000
    /// The distinct instance addresses each member writes, cycled (a reused address also exercises a sync
    /// of the previous round still in flight when the next write is read).
    static let addressesPerMember = 6
    /// The services the rounds cycle through.
    static let servicesPerAPI = 7

    /// One version of the Open API's instance endpoints.
    struct API: Sendable {
        let name: String
        let instancePath: String
        let listPath: String

        static let v1 = API(name: "v1", instancePath: "/nacos/v1/ns/instance", listPath: "/nacos/v1/ns/instance/list")
        static let v2 = API(name: "v2", instancePath: "/nacos/v2/ns/instance", listPath: "/nacos/v2/ns/instance/list")

        /// Whether `response` is this version's success of a write (`ok`, or the envelope with code 0).
        func isWriteSuccess(_ response: HTTPResponse) -> Bool {
            guard response.status == .ok else { return false }
            if self.name == "v1" { return response.bodyText == "ok" }
            return (try? Self.object(response.body))?["code"] as? Int == 0
        }

        /// The `ip:port` of every host a list answer holds.
        func hosts(_ response: HTTPResponse) throws -> Set<String> {
            guard response.status == .ok else { throw ListFailure(text: "list answered \(response.status.code): \(response.bodyText)") }
            var object = try Self.object(response.body)
            if self.name == "v2" { object = object["data"] as? [String: Any] ?? [:] }
            guard let hosts = object["hosts"] as? [[String: Any]] else { throw ListFailure(text: "no hosts in \(response.bodyText)") }
            return Set(hosts.map { "\($0["ip"] as? String ?? "?"):\($0["port"] as? Int ?? -1)" })
        }

        /// The `ip:port` a detail answer describes, or `nil` when it is not a success.
        func detail(_ response: HTTPResponse) -> String? {
            guard response.status == .ok, var object = try? Self.object(response.body) else { return nil }
            if self.name == "v2" { object = object["data"] as? [String: Any] ?? [:] }
            guard let ip = object["ip"] as? String, let port = object["port"] as? Int else { return nil }
            return "\(ip):\(port)"
        }

        private static func object(_ body: [UInt8]) throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
                throw ListFailure(text: "not a JSON object: \(String(decoding: body, as: UTF8.self))")
            }
            return object
        }
    }

    struct ListFailure: Error, CustomStringConvertible {
        let text: String
        var description: String { self.text }
    }

    /// An instance address, split.
    struct Address: Sendable, CustomStringConvertible {
        let ip: String
        let port: Int
        var description: String { "\(self.ip):\(self.port)" }
    }

    @Test("an ephemeral register forwarded to the responsible member is listed and found on the node written to, 1,000 rounds over v1 and over v2; a forwarded deregister is gone there at once")
    func forwardedWritesAreReadBackOnTheNodeWrittenTo() async throws {
        try await withEventLoopGroup { group in
            try await InProcessCluster.run(group: group) { cluster in
                let pools = try Self.foreignAddresses(cluster, count: Self.addressesPerMember)
                let queriesBefore = Self.queriesSucceeded(cluster)
                for api in [API.v1, API.v2] {
                    let misses = try await withThrowingTaskGroup(of: [String].self) { tasks in
                        for (index, member) in cluster.members.enumerated() {
                            let share = Self.roundsPerAPI / cluster.members.count + (index < Self.roundsPerAPI % cluster.members.count ? 1 : 0)
                            tasks.addTask { try await Self.rounds(share, api: api, on: member, addresses: pools[index]) }
                        }
                        return try await tasks.reduce(into: []) { $0 += $1 }
                    }
                    #expect(misses.isEmpty, "\(api.name): \(misses.count) reads missed the node's own write; first: \(misses.prefix(5))")
                }
                let failedCatchUps = cluster.log.messages.filter { $0.contains("after a forwarded write") }
                #expect(failedCatchUps.isEmpty, "\(failedCatchUps.prefix(5))")
                // Every forwarded register and deregister was caught up with by a Distro query.
                #expect(Self.queriesSucceeded(cluster) - queriesBefore == 2 * 2 * Self.roundsPerAPI)
            }
        }
    }

    @Test("a forwarded write into a namespace and group is read back there at once, and not in another namespace or group")
    func forwardedWritesKeepNamespaceAndGroupIsolation() async throws {
        try await withEventLoopGroup { group in
            try await InProcessCluster.run(group: group) { cluster in
                let member = cluster.members[0]
                let address = try #require(try Self.foreignAddresses(cluster, count: 1).first?.first)
                let here = [("namespaceId", "ryw-ns-a"), ("groupName", "ryw-group-a"), ("serviceName", "isolated")]
                let there = [("namespaceId", "ryw-ns-b"), ("groupName", "ryw-group-b"), ("serviceName", "isolated")]
                let others = [
                    [("serviceName", "isolated")],
                    [("namespaceId", "ryw-ns-a"), ("serviceName", "isolated")],
                    [("namespaceId", "ryw-ns-b"), ("groupName", "ryw-group-a"), ("serviceName", "isolated")],
                    [("namespaceId", "ryw-ns-a"), ("groupName", "ryw-group-b"), ("serviceName", "isolated")],
                ]
                let instance = [("ip", address.ip), ("port", String(address.port))]
                // Namespaces are durable state: each member's own (memory) store needs them.
                for each in cluster.members {
                    for namespace in ["ryw-ns-a", "ryw-ns-b"] {
                        let created = try await each.call(.post, "/nacos/v1/console/namespaces", [("customNamespaceId", namespace), ("namespaceName", namespace)])
                        try #require(created.status == .ok, "\(each.address) \(namespace): \(created.status.code) \(created.bodyText)")
                    }
                }
                for api in [API.v1, API.v2] {
                    let registered = try await member.call(.post, api.instancePath, here + instance)
                    #expect(api.isWriteSuccess(registered), "\(api.name) register: \(registered.status.code) \(registered.bodyText)")
                    #expect(try api.hosts(try await member.call(.get, api.listPath, here)) == [address.description], "\(api.name)")
                    #expect(api.detail(try await member.call(.get, api.instancePath, here + instance)) == address.description, "\(api.name)")
                    for other in others + [there] {
                        #expect(try api.hosts(try await member.call(.get, api.listPath, other)).isEmpty, "\(api.name) \(other)")
                        #expect(api.detail(try await member.call(.get, api.instancePath, other + instance)) == nil, "\(api.name) \(other)")
                    }

                    // The same client publishes into a second namespace and group: each is listed in its own.
                    let second = try await member.call(.post, api.instancePath, there + instance)
                    #expect(api.isWriteSuccess(second), "\(api.name) second register: \(second.status.code) \(second.bodyText)")
                    #expect(try api.hosts(try await member.call(.get, api.listPath, there)) == [address.description], "\(api.name)")
                    #expect(try api.hosts(try await member.call(.get, api.listPath, here)) == [address.description], "\(api.name)")
                    for other in others {
                        #expect(try api.hosts(try await member.call(.get, api.listPath, other)).isEmpty, "\(api.name) \(other)")
                    }

                    // Deregistering one leaves the other.
                    let deregistered = try await member.call(.delete, api.instancePath, here + instance)
                    #expect(api.isWriteSuccess(deregistered), "\(api.name) deregister: \(deregistered.status.code) \(deregistered.bodyText)")
                    #expect(try api.hosts(try await member.call(.get, api.listPath, here)).isEmpty, "\(api.name)")
                    #expect(api.detail(try await member.call(.get, api.instancePath, here + instance)) == nil, "\(api.name)")
                    #expect(try api.hosts(try await member.call(.get, api.listPath, there)) == [address.description], "\(api.name)")
                    let cleared = try await member.call(.delete, api.instancePath, there + instance)
                    #expect(api.isWriteSuccess(cleared), "\(api.name) second deregister: \(cleared.status.code) \(cleared.bodyText)")
                    #expect(try api.hosts(try await member.call(.get, api.listPath, there)).isEmpty, "\(api.name)")
                }
            }
        }
    }

    @Test("a forwarded full beat that registers its instance is read back at once; a light beat of a healthy instance, or one the member does not know, queries nothing")
    func forwardedBeatsAreCaughtUpWithWhenTheyChangeWhatIsShown() async throws {
        try await withEventLoopGroup { group in
            try await InProcessCluster.run(group: group) { cluster in
                let member = cluster.members[1]
                let distro = try #require(member.node.cluster?.distro)
                let addresses = try Self.foreignAddresses(cluster, count: 2)[1]
                let (address, unknown) = (addresses[0], addresses[1])
                let service = [("serviceName", "beats")]
                let beat = #"{"ip":"\#(address.ip)","port":\#(address.port),"serviceName":"DEFAULT_GROUP@@beats","cluster":"DEFAULT"}"#

                let full = try await member.call(.put, "/nacos/v1/ns/instance/beat", service + [("beat", beat)])
                #expect(full.status == .ok && full.bodyText.contains("\"code\":10200"), "\(full.status.code) \(full.bodyText)")
                #expect(try API.v1.hosts(try await member.call(.get, API.v1.listPath, service)) == [address.description])
                let queries = distro.statistics.querySucceeded

                for (target, code) in [(address, 10200), (unknown, 20404)] {
                    let light = try await member.call(.put, "/nacos/v1/ns/instance/beat", service + [("ip", target.ip), ("port", String(target.port))])
                    #expect(light.status == .ok && light.bodyText.contains("\"code\":\(code)"), "\(target): \(light.status.code) \(light.bodyText)")
                }
                #expect(distro.statistics.querySucceeded == queries)
                #expect(try API.v1.hosts(try await member.call(.get, API.v1.listPath, service)) == [address.description])
            }
        }
    }

    // MARK: - Steps

    /// The Distro queries after forwarded writes that every member applied so far.
    static func queriesSucceeded(_ cluster: InProcessCluster) -> Int {
        cluster.members.reduce(0) { $0 + ($1.node.cluster?.distro.statistics.querySucceeded ?? 0) }
    }

    /// For every member, `count` instance addresses that other members are responsible for, the owners
    /// taking turns; every member's mapper agrees on each owner.
    static func foreignAddresses(_ cluster: InProcessCluster, count: Int) throws -> [[Address]] {
        var pools: [[Address]] = []
        for (index, member) in cluster.members.enumerated() {
            let mapper = try #require(member.node.cluster?.mapper)
            let others = cluster.members.map(\.address).filter { $0 != member.address }
            let share = (count + others.count - 1) / others.count
            var byOwner: [String: [Address]] = [:]
            var candidate = 0
            while byOwner.values.map(\.count).reduce(0, +) < share * others.count, candidate < 10_000 {
                let address = Address(ip: "10.\(index + 1).\(candidate / 200).\(candidate % 200 + 1)", port: 8080 + candidate % 7)
                candidate += 1
                let owner = mapper.mapServer(address.description)
                guard owner != member.address, byOwner[owner, default: []].count < share else { continue }
                for other in cluster.members {
                    try #require(other.node.cluster?.mapper.mapServer(address.description) == owner, "members disagree on \(address)")
                }
                byOwner[owner, default: []].append(address)
            }
            let pool = (0..<share).flatMap { turn in others.compactMap { byOwner[$0]?.dropFirst(turn).first } }.prefix(count)
            try #require(pool.count == count, "\(member.address): \(byOwner)")
            pools.append(Array(pool))
        }
        return pools
    }

    /// `count` rounds on `member`: register an instance at one of `addresses` (forwarded: another member
    /// is responsible), list and get it at once, deregister it, and list and get it again; returns every
    /// read that did not show the write.
    static func rounds(_ count: Int, api: API, on member: InProcessCluster.Member, addresses: [Address]) async throws -> [String] {
        var misses: [String] = []
        for round in 0..<count {
            let address = addresses[round % addresses.count]
            let service = [("serviceName", "ryw-\(api.name)-\(round % Self.servicesPerAPI)")]
            let instance = service + [("ip", address.ip), ("port", String(address.port))]
            let what = "\(api.name) round \(round) on \(member.address): \(address) in \(service[0].1)"

            let registered = try await member.call(.post, api.instancePath, instance)
            try #require(api.isWriteSuccess(registered), "\(what): register answered \(registered.status.code) \(registered.bodyText)")
            if try !api.hosts(try await member.call(.get, api.listPath, service)).contains(address.description) {
                misses.append("\(what): not listed after register")
            }
            if api.detail(try await member.call(.get, api.instancePath, instance)) != address.description {
                misses.append("\(what): no detail after register")
            }

            let deregistered = try await member.call(.delete, api.instancePath, instance)
            try #require(api.isWriteSuccess(deregistered), "\(what): deregister answered \(deregistered.status.code) \(deregistered.bodyText)")
            if try api.hosts(try await member.call(.get, api.listPath, service)).contains(address.description) {
                misses.append("\(what): still listed after deregister")
            }
            if api.detail(try await member.call(.get, api.instancePath, instance)) != nil {
                misses.append("\(what): detail still found after deregister")
            }
        }
        return misses
    }
}
