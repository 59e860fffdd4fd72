/// A command line that cannot be run; `main` prints it with the usage text and exits with status 2.
struct ArgumentError: Error, CustomStringConvertible {
    /// What is wrong, naming the offending argument.
    let message: String

    init(_ message: String) { self.message = message }

    var description: String { self.message }
}
