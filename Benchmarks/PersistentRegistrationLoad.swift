import Foundation
import NacosNaming
import NacosNamingAPI

/// `writers` concurrent tasks, each awaiting `registerPersistentInstance` of one distinct ip:port at a
/// time (`10.x.y.z:8080`, spread over `services` services) until `total` registrations were started or
/// `duration` passed, timing every call.
struct PersistentRegistrationLoad: Sendable {
    /// What the load did.
    struct Outcome: Sendable {
        /// Latency of every successful registration, nanoseconds.
        var samples: [UInt32] = []
        /// Registrations that returned.
        var completed = 0
        /// Of them, those that threw.
        var failures = 0
        /// The first error thrown.
        var firstFailure: String?
        /// Nanoseconds from the start to the last return.
        var elapsedNanoseconds: UInt64 = 0
    }

    /// The registry (opened over its store).
    let registry: NamingRegistry
    /// Concurrent writers.
    let writers: Int
    /// Registrations in all.
    let total: Int
    /// Services the registrations cycle over.
    let services: Int
    /// Service name prefix (`persistent-`).
    let servicePrefix: String
    /// Address number of the first registration (so phases do not reuse addresses).
    let firstAddress: Int
    /// No registration starts after this long.
    let duration: Duration

    /// The IPv4 address of registration number `n`: `10.<n/65536>.<n/256 % 256>.<n % 256>` (never dialled).
    static func address(_ number: Int) -> String {
        "10.\(number >> 16 & 255).\(number >> 8 & 255).\(number & 255)"
    }

    /// Runs the load to its end.
    func run() async -> Outcome {
        let counter = SharedCounter()
        let serviceList = (0..<self.services).map { Service(namespace: nil, group: nil, name: "\(self.servicePrefix)\($0)", ephemeral: false) }
        let start = MonotonicClock.nanoseconds()
        let stop = start &+ UInt64(self.duration.components.seconds) * 1_000_000_000 &+ UInt64(self.duration.components.attoseconds / 1_000_000_000)
        let operations = self.registry.operations
        let (total, firstAddress) = (self.total, self.firstAddress)
        return await withTaskGroup(of: (Outcome, UInt64).self) { group in
            for _ in 0..<self.writers {
                group.addTask {
                    var outcome = Outcome()
                    var last = start
                    outcome.samples.reserveCapacity(total / max(1, self.writers) + 16)
                    while true {
                        let number = counter.take()
                        guard number < total, MonotonicClock.nanoseconds() < stop else { break }
                        let instance = Instance(ip: Self.address(firstAddress + number), port: 8080, ephemeral: false)
                        let begin = MonotonicClock.nanoseconds()
                        do {
                            try await operations.registerPersistentInstance(instance, service: serviceList[number % serviceList.count])
                            last = MonotonicClock.nanoseconds()
                            outcome.samples.append(UInt32(clamping: last &- begin))
                        } catch {
                            last = MonotonicClock.nanoseconds()
                            outcome.failures += 1
                            if outcome.firstFailure == nil { outcome.firstFailure = "\(error)" }
                        }
                        outcome.completed += 1
                    }
                    return (outcome, last)
                }
            }
            var combined = Outcome()
            var last = start
            for await (outcome, finished) in group {
                combined.samples += outcome.samples
                combined.completed += outcome.completed
                combined.failures += outcome.failures
                if combined.firstFailure == nil { combined.firstFailure = outcome.firstFailure }
                last = max(last, finished)
            }
            combined.elapsedNanoseconds = last &- start
            return combined
        }
    }
}
