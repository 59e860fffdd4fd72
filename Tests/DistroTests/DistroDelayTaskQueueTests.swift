import NacosDistro
import NacosTestKit
import Testing

@Suite("DistroDelayTaskQueue")
struct DistroDelayTaskQueueTests {
    private static func key(_ client: String, _ target: String = "10.0.0.2:8848") -> DistroTaskKey {
        DistroTaskKey(clientId: client, target: target)
    }

    @Test("a merge keeps the earlier deadline and the newer operation")
    func merges() {
        var queue = DistroDelayTaskQueue()
        let key = Self.key("c1")
        queue.add(key, operation: .change, deadline: 120)
        queue.add(key, operation: .change, deadline: 150)
        #expect(queue.count == 1)
        #expect(queue.nextDeadline == 120)
        queue.add(key, operation: .delete, deadline: 200)
        #expect(queue.takeDue(now: 119).isEmpty)
        #expect(queue.takeDue(now: 120) == [DistroDelayTask(key: key, operation: .delete, deadline: 120)])
        #expect(queue.isEmpty)
        #expect(queue.nextDeadline == nil)

        queue.add(key, operation: .delete, deadline: 300)
        queue.add(key, operation: .change, deadline: 250)
        #expect(queue.nextDeadline == 250)
        // The lowered deadline's old heap entry never comes out as a second task.
        #expect(queue.takeDue(now: 1_000) == [DistroDelayTask(key: key, operation: .change, deadline: 250)])
        #expect(queue.takeDue(now: 1_000).isEmpty)
    }

    @Test("due tasks come out by deadline, then by the order their keys were first added")
    func orders() {
        var queue = DistroDelayTaskQueue()
        queue.add(Self.key("late"), operation: .change, deadline: 300)
        queue.add(Self.key("first"), operation: .change, deadline: 100)
        queue.add(Self.key("middle"), operation: .delete, deadline: 200)
        queue.add(Self.key("second"), operation: .add, deadline: 100)
        // A merge keeps the key's place among equal deadlines.
        queue.add(Self.key("first"), operation: .delete, deadline: 100)
        #expect(queue.nextDeadline == 100)
        #expect(queue.takeDue(now: 99).isEmpty)
        #expect(queue.takeDue(now: 200).map(\.key.clientId) == ["first", "second", "middle"])
        #expect(queue.count == 1)
        #expect(queue.nextDeadline == 300)
        #expect(queue.takeDue(now: 300) == [DistroDelayTask(key: Self.key("late"), operation: .change, deadline: 300)])
    }

    @Test("removeAll(target:) drops a departed peer's tasks only")
    func removesTarget() {
        var queue = DistroDelayTaskQueue()
        queue.add(Self.key("c1", "a:1"), operation: .change, deadline: 10)
        queue.add(Self.key("c1", "b:1"), operation: .change, deadline: 20)
        queue.add(Self.key("c2", "a:1"), operation: .delete, deadline: 30)
        queue.removeAll(target: "a:1")
        #expect(queue.count == 1)
        #expect(queue.nextDeadline == 20)
        #expect(queue.takeDue(now: 100) == [DistroDelayTask(key: Self.key("c1", "b:1"), operation: .change, deadline: 20)])
        queue.removeAll(target: "nobody")
        #expect(queue.isEmpty)
    }

    @Test("random adds, takes and removals agree with a plain model")
    func agreesWithModel() {
        struct ModelTask {
            var operation: DataOperation
            var deadline: Int64
            var order: Int
        }
        var random = SeededRandom(seed: 0xD157_0)
        var queue = DistroDelayTaskQueue()
        var model: [DistroTaskKey: ModelTask] = [:]
        var order = 0
        var now: Int64 = 0
        let targets = ["a:1", "b:1", "c:1"]
        let operations: [DataOperation] = [.add, .change, .delete]
        for _ in 0..<5_000 {
            switch random.next() % 10 {
            case 0..<6:
                let key = DistroTaskKey(
                    clientId: "c\(random.next() % 40)",
                    target: targets[Int(random.next() % UInt64(targets.count))]
                )
                let operation = operations[Int(random.next() % 3)]
                let deadline = now + Int64(random.next() % 50)
                queue.add(key, operation: operation, deadline: deadline)
                if var existing = model[key] {
                    existing.operation = operation
                    existing.deadline = min(existing.deadline, deadline)
                    model[key] = existing
                } else {
                    order += 1
                    model[key] = ModelTask(operation: operation, deadline: deadline, order: order)
                }
            case 6..<9:
                now += Int64(random.next() % 20)
                let expected = model
                    .filter { $0.value.deadline <= now }
                    .sorted { ($0.value.deadline, $0.value.order) < ($1.value.deadline, $1.value.order) }
                    .map { DistroDelayTask(key: $0.key, operation: $0.value.operation, deadline: $0.value.deadline) }
                for task in expected { model[task.key] = nil }
                #expect(queue.takeDue(now: now) == expected)
            default:
                let target = targets[Int(random.next() % UInt64(targets.count))]
                queue.removeAll(target: target)
                model = model.filter { $0.key.target != target }
            }
            #expect(queue.count == model.count)
            #expect(queue.nextDeadline == model.values.map(\.deadline).min())
        }
    }
}
