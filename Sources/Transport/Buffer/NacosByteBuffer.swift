#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A growable, copy-on-write byte buffer with separate reader and writer indices.
///
/// The layout follows SwiftNIO's `ByteBuffer`:
///
/// ```
/// +-------------------+------------------+------------------+
/// | discardable bytes |  readable bytes  |  writable bytes  |
/// +-------------------+------------------+------------------+
/// 0      <=      readerIndex   <=   writerIndex    <=    capacity
/// ```
///
/// - `read*` methods consume bytes (advance `readerIndex`) and return `nil`, consuming nothing, when too
///   few bytes are readable.
/// - `get*(at:)` methods read at an absolute index without moving any index and return `nil` outside the
///   readable range.
/// - `write*` methods append at `writerIndex`, growing the buffer as needed.
/// - `set*(at:)` methods overwrite at an absolute index without moving any index.
///
/// Integers are big-endian unless another endianness is given. Slices (`readSlice`, `getSlice`) share
/// storage with the buffer they came from and are copied only when one of the two is written to.
public struct NacosByteBuffer: Sendable {
    /// Byte order for integer reads and writes.
    public enum Endianness: Sendable {
        /// Most significant byte first (network byte order), the default.
        case big
        /// Least significant byte first.
        case little
    }

    @usableFromInline
    internal var storage: Storage
    /// Offset of this view's index 0 inside `storage` (non-zero for slices).
    @usableFromInline
    internal var base: Int
    @usableFromInline
    internal var _readerIndex: Int
    @usableFromInline
    internal var _writerIndex: Int
    /// Bytes of `storage` this view may use, counted from `base`.
    @usableFromInline
    internal var _capacity: Int

    /// The index of the next byte to read.
    @inlinable
    public var readerIndex: Int { self._readerIndex }

    /// The index at which the next write appends.
    @inlinable
    public var writerIndex: Int { self._writerIndex }

    /// The number of bytes between `readerIndex` and `writerIndex`.
    @inlinable
    public var readableBytes: Int { self._writerIndex - self._readerIndex }

    /// The number of bytes that can be written before the buffer must grow.
    @inlinable
    public var writableBytes: Int { self._capacity - self._writerIndex }

    /// The current capacity of the buffer in bytes.
    @inlinable
    public var capacity: Int { self._capacity }

    /// Creates an empty buffer able to hold `capacity` bytes before growing.
    public init(capacity: Int = 0) {
        precondition(capacity >= 0, "capacity must not be negative")
        self.storage = Storage(capacity: capacity)
        self.base = 0
        self._readerIndex = 0
        self._writerIndex = 0
        self._capacity = self.storage.capacity
    }

    /// Creates a buffer whose readable bytes are `bytes`.
    public init<Bytes: Sequence>(bytes: Bytes) where Bytes.Element == UInt8 {
        self.init(capacity: bytes.underestimatedCount)
        self.writeBytes(bytes)
    }

    /// Creates a buffer whose readable bytes are the UTF-8 encoding of `string`.
    public init(string: String) {
        self.init(capacity: string.utf8.count)
        self.writeString(string)
    }

    // MARK: - Index movement

    /// Advances the reader index by `offset` bytes, which must not pass the writer index.
    @inlinable
    public mutating func moveReaderIndex(forwardBy offset: Int) {
        let newIndex = self._readerIndex + offset
        precondition(newIndex >= 0 && newIndex <= self._writerIndex, "reader index out of range")
        self._readerIndex = newIndex
    }

    /// Sets the reader index to `index`, which must lie between 0 and the writer index.
    @inlinable
    public mutating func moveReaderIndex(to index: Int) {
        precondition(index >= 0 && index <= self._writerIndex, "reader index out of range")
        self._readerIndex = index
    }

    /// Advances the writer index by `offset` bytes, which must not pass the capacity.
    @inlinable
    public mutating func moveWriterIndex(forwardBy offset: Int) {
        let newIndex = self._writerIndex + offset
        precondition(newIndex >= self._readerIndex && newIndex <= self._capacity, "writer index out of range")
        self._writerIndex = newIndex
    }

    /// Sets the writer index to `index`, which must lie between the reader index and the capacity.
    @inlinable
    public mutating func moveWriterIndex(to index: Int) {
        precondition(index >= self._readerIndex && index <= self._capacity, "writer index out of range")
        self._writerIndex = index
    }

    /// Drops all bytes and resets both indices to zero, keeping the allocation when it is not shared.
    public mutating func clear() {
        if !isKnownUniquelyReferenced(&self.storage) || self.base != 0 {
            self = NacosByteBuffer(capacity: self._capacity)
            return
        }
        self._readerIndex = 0
        self._writerIndex = 0
        self._capacity = self.storage.capacity
    }

    /// Moves the readable bytes to the start of the buffer, freeing the space before `readerIndex`.
    ///
    /// - Returns: `true` if any bytes were discarded.
    @discardableResult
    public mutating func discardReadBytes() -> Bool {
        guard self._readerIndex > 0 else { return false }
        if self._readerIndex == self._writerIndex {
            self.clear()
            return true
        }
        self.makeUnique(minimumCapacity: self._capacity)
        let start = self.storage.bytes + self.base
        memmove(start, start + self._readerIndex, self.readableBytes)
        self._writerIndex -= self._readerIndex
        self._readerIndex = 0
        return true
    }

    // MARK: - Capacity

    /// Ensures at least `minimumWritableBytes` can be written without another allocation.
    @inlinable
    public mutating func reserveCapacity(minimumWritableBytes: Int) {
        if self.writableBytes >= minimumWritableBytes && isKnownUniquelyReferenced(&self.storage) {
            return
        }
        self.makeUnique(minimumCapacity: self._writerIndex + minimumWritableBytes)
    }

    /// Makes `storage` uniquely owned by this view with at least `minimumCapacity` bytes from index 0.
    @usableFromInline
    internal mutating func makeUnique(minimumCapacity: Int) {
        let unique = isKnownUniquelyReferenced(&self.storage)
        if unique && self.base == 0 {
            if minimumCapacity > self.storage.capacity {
                self.storage.grow(to: Storage.roundedCapacity(minimumCapacity))
            }
            self._capacity = self.storage.capacity
            return
        }
        let newCapacity = Storage.roundedCapacity(Swift.max(minimumCapacity, self._writerIndex))
        let copy = Storage(capacity: newCapacity)
        if self._writerIndex > 0 {
            memcpy(copy.bytes, self.storage.bytes + self.base, self._writerIndex)
        }
        self.storage = copy
        self.base = 0
        self._capacity = copy.capacity
    }

    // MARK: - Raw access

    /// Calls `body` with the readable bytes; the pointer must not escape `body`.
    @inlinable
    public func withUnsafeReadableBytes<Result>(
        _ body: (UnsafeRawBufferPointer) throws -> Result
    ) rethrows -> Result {
        try body(UnsafeRawBufferPointer(start: self.storage.bytes + self.base + self._readerIndex, count: self.readableBytes))
    }

    /// Calls `body` with the writable tail of the buffer; `body` returns how many bytes it wrote there.
    ///
    /// Use `reserveCapacity(minimumWritableBytes:)` first to make room. The writer index advances by the
    /// returned count.
    @inlinable
    @discardableResult
    public mutating func writeWithUnsafeMutableBytes(
        _ body: (UnsafeMutableRawBufferPointer) throws -> Int
    ) rethrows -> Int {
        self.reserveCapacity(minimumWritableBytes: 0)
        let pointer = UnsafeMutableRawBufferPointer(
            start: self.storage.bytes + self.base + self._writerIndex,
            count: self.writableBytes
        )
        let written = try body(pointer)
        self.moveWriterIndex(forwardBy: written)
        return written
    }

    // MARK: - Bytes

    /// Appends `bytes` and returns how many were written.
    @discardableResult
    public mutating func writeBytes<Bytes: Sequence>(_ bytes: Bytes) -> Int where Bytes.Element == UInt8 {
        let written = self.setBytes(bytes, at: self._writerIndex)
        self._writerIndex += written
        return written
    }

    /// Appends the bytes of a raw buffer and returns how many were written.
    @discardableResult
    public mutating func writeBytes(_ bytes: UnsafeRawBufferPointer) -> Int {
        let written = self.setBytes(bytes, at: self._writerIndex)
        self._writerIndex += written
        return written
    }

    /// Appends the readable bytes of `other` without consuming them.
    @discardableResult
    public mutating func writeImmutableBuffer(_ other: NacosByteBuffer) -> Int {
        other.withUnsafeReadableBytes { self.writeBytes($0) }
    }

    /// Appends the readable bytes of `other` and consumes them from `other`.
    @discardableResult
    public mutating func writeBuffer(_ other: inout NacosByteBuffer) -> Int {
        let written = self.writeImmutableBuffer(other)
        other.moveReaderIndex(forwardBy: written)
        return written
    }

    /// Writes `bytes` at `index` without moving any index, growing the buffer if needed.
    @discardableResult
    public mutating func setBytes<Bytes: Sequence>(_ bytes: Bytes, at index: Int) -> Int where Bytes.Element == UInt8 {
        precondition(index >= 0, "index must not be negative")
        if let written = bytes.withContiguousStorageIfAvailable({ self.setBytes(UnsafeRawBufferPointer($0), at: index) }) {
            return written
        }
        let array = Array(bytes)
        return array.withUnsafeBytes { self.setBytes($0, at: index) }
    }

    /// Writes the bytes of a raw buffer at `index` without moving any index, growing the buffer if needed.
    @discardableResult
    public mutating func setBytes(_ bytes: UnsafeRawBufferPointer, at index: Int) -> Int {
        precondition(index >= 0, "index must not be negative")
        let end = index + bytes.count
        if end > self._capacity || !isKnownUniquelyReferenced(&self.storage) {
            self.makeUnique(minimumCapacity: end)
        }
        if let source = bytes.baseAddress, bytes.count > 0 {
            memcpy(self.storage.bytes + self.base + index, source, bytes.count)
        }
        return bytes.count
    }

    /// Reads and consumes `length` bytes, or returns `nil` if fewer are readable.
    public mutating func readBytes(length: Int) -> [UInt8]? {
        guard let bytes = self.getBytes(at: self._readerIndex, length: length) else { return nil }
        self._readerIndex += length
        return bytes
    }

    /// Returns `length` bytes from `index`, or `nil` if they are not all readable.
    public func getBytes(at index: Int, length: Int) -> [UInt8]? {
        guard self.isReadable(at: index, length: length) else { return nil }
        return [UInt8](
            UnsafeRawBufferPointer(start: self.storage.bytes + self.base + index, count: length)
        )
    }

    /// All readable bytes as an array, without consuming them.
    public var readableBytesArray: [UInt8] {
        self.getBytes(at: self._readerIndex, length: self.readableBytes) ?? []
    }

    /// Reads and consumes `length` bytes as a buffer sharing this one's storage, or `nil` if too few are readable.
    @inlinable
    public mutating func readSlice(length: Int) -> NacosByteBuffer? {
        guard let slice = self.getSlice(at: self._readerIndex, length: length) else { return nil }
        self._readerIndex += length
        return slice
    }

    /// Returns `length` bytes from `index` as a buffer sharing this one's storage, or `nil` if not readable.
    @inlinable
    public func getSlice(at index: Int, length: Int) -> NacosByteBuffer? {
        guard self.isReadable(at: index, length: length) else { return nil }
        var slice = self
        slice.base = self.base + index
        slice._readerIndex = 0
        slice._writerIndex = length
        slice._capacity = length
        return slice
    }

    @inlinable
    internal func isReadable(at index: Int, length: Int) -> Bool {
        length >= 0 && index >= self._readerIndex && index <= self._writerIndex - length
    }

    // MARK: - Strings

    /// Appends the UTF-8 bytes of `string` and returns how many were written.
    @discardableResult
    public mutating func writeString(_ string: String) -> Int {
        var string = string
        return string.withUTF8 { self.writeBytes(UnsafeRawBufferPointer($0)) }
    }

    /// Reads and consumes `length` bytes decoded as UTF-8, or returns `nil` if too few are readable.
    ///
    /// Invalid UTF-8 sequences are replaced with U+FFFD.
    public mutating func readString(length: Int) -> String? {
        guard let string = self.getString(at: self._readerIndex, length: length) else { return nil }
        self._readerIndex += length
        return string
    }

    /// Returns `length` bytes from `index` decoded as UTF-8, or `nil` if they are not all readable.
    public func getString(at index: Int, length: Int) -> String? {
        guard self.isReadable(at: index, length: length) else { return nil }
        let pointer = UnsafeRawBufferPointer(start: self.storage.bytes + self.base + index, count: length)
        return String(decoding: pointer, as: UTF8.self)
    }

    // MARK: - Integers

    /// Appends `value` in the given byte order and returns its size in bytes.
    @inlinable
    @discardableResult
    public mutating func writeInteger<T: FixedWidthInteger>(_ value: T, endianness: Endianness = .big) -> Int {
        let written = self.setInteger(value, at: self._writerIndex, endianness: endianness)
        self._writerIndex += written
        return written
    }

    /// Writes `value` at `index` in the given byte order without moving any index.
    @inlinable
    @discardableResult
    public mutating func setInteger<T: FixedWidthInteger>(_ value: T, at index: Int, endianness: Endianness = .big) -> Int {
        let ordered = endianness == .big ? value.bigEndian : value.littleEndian
        let size = MemoryLayout<T>.size
        precondition(index >= 0, "index must not be negative")
        if index + size > self._capacity || !isKnownUniquelyReferenced(&self.storage) {
            self.makeUnique(minimumCapacity: index + size)
        }
        (self.storage.bytes + self.base + index).storeBytes(of: ordered, as: T.self)
        return size
    }

    /// Reads and consumes an integer in the given byte order, or returns `nil` if too few bytes are readable.
    @inlinable
    public mutating func readInteger<T: FixedWidthInteger>(endianness: Endianness = .big, as: T.Type = T.self) -> T? {
        guard let value: T = self.getInteger(at: self._readerIndex, endianness: endianness) else { return nil }
        self._readerIndex += MemoryLayout<T>.size
        return value
    }

    /// Returns the integer at `index` in the given byte order, or `nil` if its bytes are not all readable.
    @inlinable
    public func getInteger<T: FixedWidthInteger>(at index: Int, endianness: Endianness = .big, as: T.Type = T.self) -> T? {
        guard self.isReadable(at: index, length: MemoryLayout<T>.size) else { return nil }
        let raw = (self.storage.bytes + self.base + index).loadUnaligned(as: T.self)
        return endianness == .big ? T(bigEndian: raw) : T(littleEndian: raw)
    }
}

extension NacosByteBuffer {
    /// Heap storage shared by a buffer and its slices; freed when the last one goes away.
    @usableFromInline
    internal final class Storage: @unchecked Sendable {
        // Sendable because a buffer only writes to storage it holds the sole reference to
        // (copy-on-write); shared storage is read-only.
        @usableFromInline
        internal private(set) var bytes: UnsafeMutableRawPointer
        @usableFromInline
        internal private(set) var capacity: Int

        @usableFromInline
        internal init(capacity: Int) {
            let allocated = Swift.max(capacity, 1)
            guard let bytes = malloc(allocated) else { fatalError("out of memory allocating \(allocated) bytes") }
            self.bytes = bytes
            self.capacity = capacity
        }

        @usableFromInline
        internal func grow(to newCapacity: Int) {
            guard let bytes = realloc(self.bytes, newCapacity) else { fatalError("out of memory growing to \(newCapacity) bytes") }
            self.bytes = bytes
            self.capacity = newCapacity
        }

        /// Rounds a requested capacity up to the next power of two (at least 64 bytes).
        @usableFromInline
        internal static func roundedCapacity(_ requested: Int) -> Int {
            guard requested > 64 else { return 64 }
            guard requested < (1 << 40) else { return requested }
            return 1 << (Int.bitWidth - (requested - 1).leadingZeroBitCount)
        }

        deinit {
            free(self.bytes)
        }
    }
}

extension NacosByteBuffer: Equatable {
    /// Two buffers are equal when their readable bytes are equal.
    public static func == (lhs: NacosByteBuffer, rhs: NacosByteBuffer) -> Bool {
        guard lhs.readableBytes == rhs.readableBytes else { return false }
        return lhs.withUnsafeReadableBytes { left in
            rhs.withUnsafeReadableBytes { right in
                left.count == 0 || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0
            }
        }
    }
}

extension NacosByteBuffer: CustomStringConvertible {
    /// A short description with the indices, capacity and the first readable bytes in hex.
    public var description: String {
        let preview = (self.getBytes(at: self._readerIndex, length: Swift.min(self.readableBytes, 32)) ?? [])
            .map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
            .joined()
        return "NacosByteBuffer(readerIndex: \(self._readerIndex), writerIndex: \(self._writerIndex), "
            + "capacity: \(self._capacity), readable: \(preview)\(self.readableBytes > 32 ? "…" : ""))"
    }
}
