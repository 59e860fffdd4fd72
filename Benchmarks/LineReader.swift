import Foundation

/// Reads lines from a file handle on a plain thread (a blocking read must not hold a Swift concurrency
/// thread) and hands them to async code.
final class LineReader: Sendable {
    /// The lines read, without their newline; finishes at end of file.
    let lines: AsyncStream<String>

    /// Starts reading `handle` until end of file.
    init(_ handle: FileHandle, name: String) {
        let (lines, sink) = AsyncStream.makeStream(of: String.self)
        self.lines = lines
        let thread = Thread {
            var pending = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    sink.yield(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                    pending.removeSubrange(pending.startIndex...newline)
                }
            }
            if !pending.isEmpty { sink.yield(String(decoding: pending, as: UTF8.self)) }
            sink.finish()
        }
        thread.name = name
        thread.start()
    }
}
