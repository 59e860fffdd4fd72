import CLinuxSys

/// The outbound queue of one socket: buffers waiting for the kernel, in order, with their completions.
///
/// Entries before `flushedCount` have been flushed and may be written; later ones wait for the next
/// flush. Confined to the socket's loop.
internal struct PendingWrites {
    struct Entry {
        var buffer: NacosByteBuffer
        let completion: NacosWriteCompletion?
    }

    private var entries: [Entry] = []
    private var head = 0
    /// Number of entries (counted from `head`) that were flushed.
    private(set) var flushedCount = 0
    /// Bytes queued, flushed or not.
    private(set) var totalBytes = 0

    var isEmpty: Bool { self.head == self.entries.count }
    var count: Int { self.entries.count - self.head }
    var hasFlushedEntries: Bool { self.flushedCount > 0 }

    mutating func append(_ buffer: NacosByteBuffer, completion: NacosWriteCompletion?) {
        self.entries.append(Entry(buffer: buffer, completion: completion))
        self.totalBytes += buffer.readableBytes
    }

    /// Marks everything queued so far as flushed.
    mutating func markFlushed() {
        self.flushedCount = self.count
    }

    /// Fills `iovecs` with up to `limit` flushed entries; returns how many it filled.
    func fillIOVectors(_ iovecs: UnsafeMutablePointer<iovec>, limit: Int) -> Int {
        var filled = 0
        var index = self.head
        while filled < limit && filled < self.flushedCount {
            let buffer = self.entries[index].buffer
            buffer.withUnsafeReadableBytes { bytes in
                iovecs[filled] = iovec(iov_base: UnsafeMutableRawPointer(mutating: bytes.baseAddress), iov_len: bytes.count)
            }
            filled += 1
            index += 1
        }
        return filled
    }

    /// Consumes `written` bytes from the front; returns the completions of entries now fully written.
    mutating func consume(_ written: Int, completed: inout [NacosWriteCompletion]) {
        var remaining = written
        self.totalBytes -= written
        while remaining > 0 || (self.flushedCount > 0 && self.entries[self.head].buffer.readableBytes == 0) {
            let readable = self.entries[self.head].buffer.readableBytes
            if remaining < readable {
                self.entries[self.head].buffer.moveReaderIndex(forwardBy: remaining)
                return
            }
            remaining -= readable
            if let completion = self.entries[self.head].completion {
                completed.append(completion)
            }
            self.entries[self.head] = Entry(buffer: NacosByteBuffer(), completion: nil)
            self.head += 1
            self.flushedCount -= 1
            if self.head == self.entries.count {
                self.entries.removeAll(keepingCapacity: true)
                self.head = 0
                return
            }
        }
        if self.head > 64 && self.head * 2 > self.entries.count {
            self.entries.removeFirst(self.head)
            self.head = 0
        }
    }

    /// Removes every entry and returns their completions.
    mutating func removeAll() -> [NacosWriteCompletion] {
        let completions = self.entries[self.head...].compactMap(\.completion)
        self.entries.removeAll()
        self.head = 0
        self.flushedCount = 0
        self.totalBytes = 0
        return completions
    }
}

