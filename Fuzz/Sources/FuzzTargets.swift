import Foundation

/// Every fuzz target of the binary, and the one this process runs.
enum FuzzTargets {
    /// The targets by name.
    static let all: [String: any FuzzTarget.Type] = Dictionary(
        uniqueKeysWithValues: ([JSONFuzzTarget.self] + TextFuzzTargets.list + WireFuzzTargets.list).map { ($0.name, $0) }
    )

    /// The target `NACOS_FUZZ_TARGET` names (libFuzzer gives no other way to choose one).
    static let selected: any FuzzTarget.Type = {
        let name = ProcessInfo.processInfo.environment["NACOS_FUZZ_TARGET"] ?? ""
        guard let target = all[name] else {
            FileHandle.standardError.write(Data("NACOS_FUZZ_TARGET must be one of: \(all.keys.sorted().joined(separator: ", ")) (got '\(name)')\n".utf8))
            exit(2)
        }
        return target
    }()
}

/// libFuzzer's callback: one input to the selected target.
@_cdecl("LLVMFuzzerTestOneInput")
public func nacosFuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzTargets.selected.run(bytes)
    return 0
}

#if NACOS_LIBFUZZER
/// libFuzzer's driver (`FuzzerDriver.cpp`), run from our own entry point: SwiftPM links an executable's
/// `main` to the module's entry point, so libFuzzer's own `main` is not used.
@_silgen_name("LLVMFuzzerRunDriver")
func llvmFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// Hands the command line to libFuzzer.
@main
struct FuzzDriver {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(llvmFuzzerRunDriver(&argc, &argv, nacosFuzzTestOneInput))
    }
}
#endif
