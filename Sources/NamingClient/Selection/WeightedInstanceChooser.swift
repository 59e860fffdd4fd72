package import NacosNamingAPI

/// Picks one instance at random in proportion to its weight among the healthy, enabled instances with a
/// positive, finite weight (Java's `Chooser.randomWithWeight` behind `selectOneHealthyInstance`).
package enum WeightedInstanceChooser {
    /// The instances that can be chosen.
    package static func candidates(_ instances: [Instance]) -> [Instance] {
        instances.filter { $0.healthy && $0.enabled && $0.weight.isFinite && $0.weight > 0 }
    }

    /// A weighted random choice among `candidates(instances)`, or `nil` when there is none.
    package static func choose(from instances: [Instance], using generator: inout some RandomNumberGenerator) -> Instance? {
        let candidates = Self.candidates(instances)
        guard !candidates.isEmpty else { return nil }
        let total = candidates.reduce(0.0) { $0 + $1.weight }
        // Weights near Double's limit could overflow the sum; then every candidate counts the same.
        guard total.isFinite, total > 0 else { return candidates.randomElement(using: &generator) }
        let point = Double.random(in: 0..<total, using: &generator)
        var cumulative = 0.0
        for candidate in candidates {
            cumulative += candidate.weight
            if point < cumulative { return candidate }
        }
        return candidates[candidates.count - 1]
    }
}
