/// A binary min-heap of scheduled tasks ordered by deadline, then by scheduling order.
///
/// Confined to its event loop; not thread-safe.
internal struct ScheduledTaskQueue {
    private var heap: [NacosScheduledTask] = []

    var isEmpty: Bool { self.heap.isEmpty }
    var count: Int { self.heap.count }

    /// The task that fires first.
    var first: NacosScheduledTask? { self.heap.first }

    mutating func push(_ task: NacosScheduledTask) {
        self.heap.append(task)
        var child = self.heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.precedes(self.heap[child], self.heap[parent]) else { break }
            self.heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> NacosScheduledTask? {
        guard !self.heap.isEmpty else { return nil }
        let last = self.heap.count - 1
        self.heap.swapAt(0, last)
        let top = self.heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var best = parent
            if left < self.heap.count && Self.precedes(self.heap[left], self.heap[best]) { best = left }
            if right < self.heap.count && Self.precedes(self.heap[right], self.heap[best]) { best = right }
            if best == parent { break }
            self.heap.swapAt(parent, best)
            parent = best
        }
        return top
    }

    mutating func removeAll() -> [NacosScheduledTask] {
        defer { self.heap.removeAll() }
        return self.heap
    }

    private static func precedes(_ a: NacosScheduledTask, _ b: NacosScheduledTask) -> Bool {
        a.deadline < b.deadline || (a.deadline == b.deadline && a.sequence < b.sequence)
    }
}
