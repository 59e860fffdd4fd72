/// A benchmark that could not run or whose load failed; `main` prints it and exits with status 1.
struct BenchmarkError: Error, CustomStringConvertible {
    /// What went wrong.
    let message: String

    init(_ message: String) { self.message = message }

    var description: String { self.message }
}
