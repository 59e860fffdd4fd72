import Synchronization

/// The live counters behind `DistroStatistics`.
final class DistroCounters: Sendable {
    private let syncSucceeded = Atomic<Int>(0)
    private let syncFailed = Atomic<Int>(0)
    private let verifySucceeded = Atomic<Int>(0)
    private let verifyFailed = Atomic<Int>(0)
    private let loadSucceeded = Atomic<Int>(0)
    private let loadFailed = Atomic<Int>(0)
    private let querySucceeded = Atomic<Int>(0)
    private let queryFailed = Atomic<Int>(0)

    func recordSync(success: Bool) {
        if success {
            self.syncSucceeded.add(1, ordering: .relaxed)
        } else {
            self.syncFailed.add(1, ordering: .relaxed)
        }
    }

    func recordVerify(success: Bool) {
        if success {
            self.verifySucceeded.add(1, ordering: .relaxed)
        } else {
            self.verifyFailed.add(1, ordering: .relaxed)
        }
    }

    func recordLoad(success: Bool) {
        if success {
            self.loadSucceeded.add(1, ordering: .relaxed)
        } else {
            self.loadFailed.add(1, ordering: .relaxed)
        }
    }

    func recordQuery(success: Bool) {
        if success {
            self.querySucceeded.add(1, ordering: .relaxed)
        } else {
            self.queryFailed.add(1, ordering: .relaxed)
        }
    }

    var snapshot: DistroStatistics {
        DistroStatistics(
            syncSucceeded: self.syncSucceeded.load(ordering: .relaxed),
            syncFailed: self.syncFailed.load(ordering: .relaxed),
            verifySucceeded: self.verifySucceeded.load(ordering: .relaxed),
            verifyFailed: self.verifyFailed.load(ordering: .relaxed),
            loadSucceeded: self.loadSucceeded.load(ordering: .relaxed),
            loadFailed: self.loadFailed.load(ordering: .relaxed),
            querySucceeded: self.querySucceeded.load(ordering: .relaxed),
            queryFailed: self.queryFailed.load(ordering: .relaxed)
        )
    }
}
