/// One fuzz target: a parser (or a state machine) fed arbitrary bytes. It must return, whatever the bytes:
/// a thrown parse error is fine, a crash, a hang or unbounded memory is a bug.
protocol FuzzTarget: Sendable {
    /// The name `Fuzz/run.sh` and the replayer know the target by; also its corpus folder under Fuzz/Corpus.
    static var name: String { get }
    /// Feeds `bytes` to the code under test.
    static func run(_ bytes: [UInt8])
}
