/// The mutable counters behind `NacosRequestMetrics`: one slot per request type, chosen once when the
/// server is built, so that recording a request is an array index and a few additions (no hashing, no
/// strings). Kept inside the server's lock.
internal struct RequestMetricsTable: Sendable {
    /// What one request type has recorded.
    private struct Slot: Sendable {
        var successCount: UInt64 = 0
        var errorCount: UInt64 = 0
        /// Failures by error code; a handful of codes at most.
        var failureCounts: [Int: UInt64] = [:]
        var latency = NacosLatencyHistogram()
    }

    /// The request type name of each slot.
    let typeNames: [String]
    /// The slot of each request type name.
    let slotByTypeName: [String: Int]
    /// The slot of `NacosRequestMetrics.unknownRequestType`.
    let unknownSlot: Int
    private var slots: [Slot]

    /// A table with one slot per name of `typeNames` (sorted, duplicates dropped) plus the unknown type.
    init(typeNames: some Sequence<String>) {
        var names = Set(typeNames)
        names.insert(NacosRequestMetrics.unknownRequestType)
        let sorted = names.sorted()
        self.typeNames = sorted
        self.slotByTypeName = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1, $0) })
        self.unknownSlot = self.slotByTypeName[NacosRequestMetrics.unknownRequestType]!
        self.slots = Array(repeating: Slot(), count: sorted.count)
    }

    /// The slot of `typeName`, or the unknown type's.
    func slot(for typeName: String) -> Int {
        self.slotByTypeName[typeName] ?? self.unknownSlot
    }

    /// Counts one answered request of slot `slot` with its result and latency.
    mutating func record(slot: Int, resultCode: Int, errorCode: Int, latency: Duration) {
        if resultCode == NacosResponseCode.success {
            self.slots[slot].successCount &+= 1
        } else if errorCode != 0 {
            self.slots[slot].failureCounts[errorCode, default: 0] &+= 1
        } else {
            self.slots[slot].errorCount &+= 1
        }
        self.slots[slot].latency.record(latency)
    }

    /// The snapshot of every slot, with `inFlightCount` requests being handled.
    func snapshot(inFlightCount: Int) -> NacosRequestMetrics {
        var requestTypes: [String: NacosRequestMetrics.RequestTypeMetrics] = [:]
        requestTypes.reserveCapacity(self.slots.count)
        for (index, slot) in self.slots.enumerated() {
            var counts: [NacosRequestResult: UInt64] = [:]
            if slot.successCount > 0 { counts[.success] = slot.successCount }
            if slot.errorCount > 0 { counts[.error] = slot.errorCount }
            for (code, count) in slot.failureCounts { counts[.failure(errorCode: code)] = count }
            requestTypes[self.typeNames[index]] = NacosRequestMetrics.RequestTypeMetrics(resultCounts: counts, latency: slot.latency)
        }
        return NacosRequestMetrics(requestTypes: requestTypes, inFlightCount: inFlightCount)
    }
}
