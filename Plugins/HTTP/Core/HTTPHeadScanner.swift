#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the end of a message head (the empty line after the header fields) incrementally, so that bytes
/// arriving one at a time are each looked at once.
internal struct HTTPHeadScanner {
    /// How many bytes from the head's start have been scanned.
    private(set) var scanned = 0
    /// Where the line being scanned starts.
    private var lineStart = 0
    /// The length of the first line, without its line end, once that line is complete.
    private(set) var firstLineLength: Int?

    /// Forgets everything, ready for the next head.
    mutating func reset() {
        self = HTTPHeadScanner()
    }

    /// Scans `raw` (the head's bytes so far, from its first byte; earlier calls saw a prefix of it) and
    /// returns the head's length including the empty line, or `nil` while it is incomplete.
    ///
    /// Lines may end in CRLF or a bare LF.
    mutating func scan(_ raw: UnsafeRawBufferPointer) -> Int? {
        guard let base = raw.baseAddress else { return nil }
        let count = raw.count
        var index = self.scanned
        while index < count {
            guard let found = memchr(base + index, Int32(HTTPASCII.lf), count - index) else { break }
            let newline = base.distance(to: UnsafeRawPointer(found))
            var contentLength = newline - self.lineStart
            if contentLength > 0 && raw[newline - 1] == HTTPASCII.cr { contentLength -= 1 }
            if self.firstLineLength == nil {
                self.firstLineLength = contentLength
            } else if contentLength == 0 {
                self.reset()
                return newline + 1
            }
            self.lineStart = newline + 1
            index = newline + 1
        }
        self.scanned = count
        return nil
    }
}
