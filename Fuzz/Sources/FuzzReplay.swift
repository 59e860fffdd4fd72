#if !NACOS_LIBFUZZER
import Foundation

/// Without libFuzzer (an ordinary build), the binary replays files: `nacos-fuzz TARGET PATH...` runs each
/// file, or each file under a folder, through TARGET once — the seed corpora and every crash input kept as
/// a regression, in CI without sanitizers. `nacos-fuzz --list` names the targets.
@main
struct FuzzReplay {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments == ["--list"] {
            print(FuzzTargets.all.keys.sorted().joined(separator: "\n"))
            return
        }
        guard let name = arguments.first, let target = FuzzTargets.all[name], arguments.count >= 2 else {
            FileHandle.standardError.write(Data("usage: nacos-fuzz TARGET PATH... | --list (targets: \(FuzzTargets.all.keys.sorted().joined(separator: ", ")))\n".utf8))
            exit(2)
        }
        var count = 0
        for path in arguments.dropFirst() {
            for file in Self.files(at: path) {
                guard let data = FileManager.default.contents(atPath: file) else {
                    FileHandle.standardError.write(Data("cannot read \(file)\n".utf8))
                    exit(1)
                }
                target.run(Array(data))
                count += 1
            }
        }
        print("\(name): \(count) inputs replayed")
    }

    /// `path` itself, or the regular files under it, sorted.
    static func files(at path: String) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else { return [path] }
        let names = (FileManager.default.subpaths(atPath: path) ?? []).sorted()
        return names.map { "\(path)/\($0)" }.filter { file in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: file, isDirectory: &isFolder) && !isFolder.boolValue
        }
    }
}
#endif
