/// The pending Distro syncs, one per (client, peer), merged while they wait (Nacos's
/// `NacosDelayTaskExecuteEngine` with `DistroDelayTask.merge`).
///
/// A task added for a key that is already pending merges into it: the merged task keeps the EARLIER
/// deadline, so a stream of changes never postpones a sync, and takes the NEWER operation (a DELETE
/// after a CHANGE is a DELETE, a CHANGE after a DELETE is a CHANGE). Due tasks come out by deadline, then
/// by the order their keys were first added. A pure value: time is passed in.
///
/// Internally the pending tasks sit in a dictionary and their deadlines in a binary heap whose stale
/// entries (a deadline that was lowered, a task already taken) are skipped; the heap's top is always live.
public struct DistroDelayTaskQueue: Sendable {
    private struct Pending: Sendable {
        var operation: DataOperation
        var deadline: Int64
        var sequence: UInt64
    }

    private struct HeapEntry: Sendable {
        var deadline: Int64
        var sequence: UInt64
        var key: DistroTaskKey

        func precedes(_ other: HeapEntry) -> Bool {
            (self.deadline, self.sequence) < (other.deadline, other.sequence)
        }
    }

    private var pending: [DistroTaskKey: Pending] = [:]
    private var heap: [HeapEntry] = []
    /// Keys whose task may not come out yet (a sync of that key is in flight); they still merge.
    private var held: Set<DistroTaskKey> = []
    private var lastSequence: UInt64 = 0

    /// Creates an empty queue.
    public init() {}

    /// The number of pending tasks (held ones included).
    public var count: Int { self.pending.count }

    /// Whether no task is pending.
    public var isEmpty: Bool { self.pending.isEmpty }

    /// The earliest deadline of a task that can come out, or `nil` when there is none.
    public var nextDeadline: Int64? { self.heap.first?.deadline }

    /// Adds a task for `key`, merging it into a pending one: the earlier deadline, this (newer) operation.
    public mutating func add(_ key: DistroTaskKey, operation: DataOperation, deadline: Int64) {
        if var existing = self.pending[key] {
            existing.operation = operation
            let lowered = deadline < existing.deadline
            if lowered { existing.deadline = deadline }
            self.pending[key] = existing
            if lowered, !self.held.contains(key) {
                self.push(HeapEntry(deadline: existing.deadline, sequence: existing.sequence, key: key))
            }
        } else {
            self.lastSequence += 1
            self.pending[key] = Pending(operation: operation, deadline: deadline, sequence: self.lastSequence)
            if !self.held.contains(key) {
                self.push(HeapEntry(deadline: deadline, sequence: self.lastSequence, key: key))
            }
        }
        self.compactIfBloated()
    }

    /// Removes and returns every task due at `now`, by deadline, then insertion order.
    public mutating func takeDue(now: Int64) -> [DistroDelayTask] {
        var due: [DistroDelayTask] = []
        while let task = self.popDue(now: now) {
            due.append(task)
        }
        return due
    }

    /// Removes every task bound for `target` (a peer that left the cluster).
    public mutating func removeAll(target: String) {
        let before = self.pending.count
        self.pending = self.pending.filter { $0.key.target != target }
        if self.pending.count != before {
            self.rebuildHeap()
        }
    }

    /// Whether a task for `key` is pending.
    func contains(_ key: DistroTaskKey) -> Bool {
        self.pending[key] != nil
    }

    /// The pending task for `key`, if any.
    func task(for key: DistroTaskKey) -> DistroDelayTask? {
        self.pending[key].map { DistroDelayTask(key: key, operation: $0.operation, deadline: $0.deadline) }
    }

    /// Removes and returns the earliest task due at `now`, if any.
    mutating func popDue(now: Int64) -> DistroDelayTask? {
        guard let top = self.heap.first, top.deadline <= now else { return nil }
        self.popTop()
        let task = self.pending.removeValue(forKey: top.key).map {
            DistroDelayTask(key: top.key, operation: $0.operation, deadline: $0.deadline)
        }
        self.dropStaleTop()
        return task
    }

    /// Keeps `key`'s task in the queue (it still merges) but lets none come out until `release(_:)`.
    mutating func hold(_ key: DistroTaskKey) {
        self.held.insert(key)
        self.dropStaleTop()
    }

    /// Lets `key`'s task come out again.
    mutating func release(_ key: DistroTaskKey) {
        guard self.held.remove(key) != nil, let task = self.pending[key] else { return }
        self.push(HeapEntry(deadline: task.deadline, sequence: task.sequence, key: key))
    }

    // MARK: - Heap

    private func isLive(_ entry: HeapEntry) -> Bool {
        guard let task = self.pending[entry.key], !self.held.contains(entry.key) else { return false }
        return task.deadline == entry.deadline && task.sequence == entry.sequence
    }

    private mutating func dropStaleTop() {
        while let top = self.heap.first, !self.isLive(top) {
            self.popTop()
        }
    }

    /// Rebuilds the heap when stale entries outnumber the live ones, so that it stays bounded.
    private mutating func compactIfBloated() {
        if self.heap.count > 2 * self.pending.count + 64 {
            self.rebuildHeap()
        }
    }

    private mutating func rebuildHeap() {
        self.heap = self.pending.compactMap { key, task in
            self.held.contains(key) ? nil : HeapEntry(deadline: task.deadline, sequence: task.sequence, key: key)
        }
        var index = self.heap.count / 2
        while index > 0 {
            index -= 1
            self.siftDown(from: index)
        }
    }

    private mutating func push(_ entry: HeapEntry) {
        self.heap.append(entry)
        var child = self.heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard self.heap[child].precedes(self.heap[parent]) else { break }
            self.heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func popTop() {
        let last = self.heap.removeLast()
        guard !self.heap.isEmpty else { return }
        self.heap[0] = last
        self.siftDown(from: 0)
    }

    private mutating func siftDown(from start: Int) {
        var parent = start
        let count = self.heap.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { return }
            var smallest = left
            let right = left + 1
            if right < count, self.heap[right].precedes(self.heap[left]) { smallest = right }
            guard self.heap[smallest].precedes(self.heap[parent]) else { return }
            self.heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
