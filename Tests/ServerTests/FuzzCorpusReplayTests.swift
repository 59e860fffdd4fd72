import Foundation
import NacosTestKit
import Testing

/// Every committed fuzz input — the seed corpora and the inputs of every crash the fuzzers found, kept as
/// regressions — replays through its target in the ordinary build of `nacos-fuzz` without a crash.
@Suite("Fuzz corpora replay")
struct FuzzCorpusReplayTests {
    static let corpora = PythonPeer.repositoryRoot() + "/Fuzz/Corpus"

    /// The replayer, beside the server binary.
    static func replayer() throws -> String {
        try ServerExecutable.locate().deletingLastPathComponent().appending(path: "nacos-fuzz").path
    }

    /// Runs the replayer with `arguments`; its exit and its standard output.
    static func replay(_ arguments: [String]) async throws -> (ChildProcess.Exit, String) {
        let output = FileManager.default.temporaryDirectory.appending(path: "nacos-fuzz-replay-\(UInt64.random(in: 0...UInt64.max))").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let child = try ChildProcess.spawn(try Self.replayer(), arguments, standardOutput: .file(output), standardError: .file(output))
        let exit = await child.waitForExit()
        return (exit, String(decoding: FileManager.default.contents(atPath: output) ?? Data(), as: UTF8.self))
    }

    @Test func everyCommittedInputReplaysWithoutACrash() async throws {
        let (listed, names) = try await Self.replay(["--list"])
        #expect(listed == .exited(0), "\(names)")
        let targets = names.split(separator: "\n").map(String.init)
        #expect(targets.count >= 7, "fuzz targets: \(targets)")
        for target in targets {
            let folder = "\(Self.corpora)/\(target)"
            let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { !$0.hasPrefix(".") }
            #expect(!files.isEmpty, "\(target) has no seed corpus in \(folder)")
            let (exit, output) = try await Self.replay([target, folder])
            #expect(exit == .exited(0), "\(target): \(output)")
            #expect(output.contains("\(target): \(files.count) inputs replayed"), "\(target): \(output)")
        }
    }
}
