import Synchronization

/// Hands out the numbers 0, 1, 2 … to concurrent writers (threads or tasks), each number once.
final class SharedCounter: Sendable {
    private let next = Atomic<Int>(0)

    /// Creates a counter at 0.
    init() {}

    /// The next number.
    func take() -> Int { self.next.wrappingAdd(1, ordering: .relaxed).oldValue }
}
