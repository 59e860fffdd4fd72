import NacosTestKit
import NacosTransport
import Testing

@Suite struct NacosByteBufferTests {
    // MARK: - Integers and endianness

    @Test func integersAreBigEndianByDefault() {
        var buffer = NacosByteBuffer()
        #expect(buffer.writeInteger(UInt32(0x0102_0304)) == 4)
        #expect(buffer.writeInteger(UInt16(0xA1B2)) == 2)
        #expect(buffer.writeInteger(UInt8(0xFF)) == 1)
        #expect(buffer.writeInteger(UInt64(0x0102_0304_0506_0708)) == 8)
        #expect(buffer.readableBytesArray == [1, 2, 3, 4, 0xA1, 0xB2, 0xFF, 1, 2, 3, 4, 5, 6, 7, 8])
        #expect(buffer.readInteger(as: UInt32.self) == 0x0102_0304)
        #expect(buffer.readInteger(as: UInt16.self) == 0xA1B2)
        #expect(buffer.readInteger(as: UInt8.self) == 0xFF)
        #expect(buffer.readInteger(as: UInt64.self) == 0x0102_0304_0506_0708)
        #expect(buffer.readableBytes == 0)
    }

    @Test func littleEndianIntegers() {
        var buffer = NacosByteBuffer()
        buffer.writeInteger(UInt32(0x0102_0304), endianness: .little)
        buffer.writeInteger(UInt16(0xA1B2), endianness: .little)
        #expect(buffer.readableBytesArray == [4, 3, 2, 1, 0xB2, 0xA1])
        #expect(buffer.getInteger(at: 0, endianness: .little, as: UInt32.self) == 0x0102_0304)
        // The same bytes read in the other byte order come out swapped.
        #expect(buffer.getInteger(at: 0, endianness: .big, as: UInt32.self) == 0x0403_0201)
        #expect(buffer.readInteger(endianness: .little, as: UInt32.self) == 0x0102_0304)
        #expect(buffer.readInteger(endianness: .little, as: UInt16.self) == 0xA1B2)
    }

    @Test func signedIntegersRoundTrip() {
        var buffer = NacosByteBuffer()
        buffer.writeInteger(Int32(-2))
        buffer.writeInteger(Int64.min, endianness: .little)
        buffer.writeInteger(Int16(-300))
        #expect(buffer.getBytes(at: 0, length: 4) == [0xFF, 0xFF, 0xFF, 0xFE])
        #expect(buffer.readInteger(as: Int32.self) == -2)
        #expect(buffer.readInteger(endianness: .little, as: Int64.self) == Int64.min)
        #expect(buffer.readInteger(as: Int16.self) == -300)
    }

    // MARK: - Short reads

    @Test func shortReadsReturnNilWithoutConsuming() {
        var buffer = NacosByteBuffer(bytes: [1, 2, 3])
        #expect(buffer.readInteger(as: UInt32.self) == nil)
        #expect(buffer.readerIndex == 0)
        #expect(buffer.readBytes(length: 4) == nil)
        #expect(buffer.readString(length: 4) == nil)
        #expect(buffer.readSlice(length: 4) == nil)
        #expect(buffer.readerIndex == 0)
        #expect(buffer.readableBytes == 3)
        // What is there is still readable afterwards.
        #expect(buffer.readInteger(as: UInt16.self) == 0x0102)
        #expect(buffer.readInteger(as: UInt16.self) == nil)
        #expect(buffer.readerIndex == 2)
        #expect(buffer.readBytes(length: 1) == [3])
        #expect(buffer.readInteger(as: UInt8.self) == nil)
        #expect(buffer.readBytes(length: 0) == [])
    }

    @Test func getOutsideTheReadableRangeReturnsNil() {
        var buffer = NacosByteBuffer(bytes: [10, 11, 12, 13, 14, 15])
        buffer.moveReaderIndex(forwardBy: 2)
        // Before the reader index.
        #expect(buffer.getInteger(at: 1, as: UInt8.self) == nil)
        #expect(buffer.getBytes(at: 0, length: 2) == nil)
        // Past the writer index.
        #expect(buffer.getInteger(at: 3, as: UInt32.self) == nil)
        #expect(buffer.getBytes(at: 5, length: 2) == nil)
        #expect(buffer.getSlice(at: 6, length: 1) == nil)
        #expect(buffer.getString(at: 2, length: 5) == nil)
        #expect(buffer.getBytes(at: 2, length: -1) == nil)
        // Inside it.
        #expect(buffer.getInteger(at: 2, as: UInt32.self) == 0x0C0D_0E0F)
        #expect(buffer.getBytes(at: 5, length: 1) == [15])
        #expect(buffer.getBytes(at: 6, length: 0) == [])
    }

    @Test func getDoesNotMoveIndices() {
        let buffer = NacosByteBuffer(bytes: [1, 2, 3, 4, 5])
        #expect(buffer.getBytes(at: 1, length: 3) == [2, 3, 4])
        #expect(buffer.getInteger(at: 0, as: UInt16.self) == 0x0102)
        #expect(buffer.getSlice(at: 2, length: 2)?.readableBytesArray == [3, 4])
        #expect(buffer.readerIndex == 0)
        #expect(buffer.writerIndex == 5)
    }

    // MARK: - Writes and sets

    @Test func writeAppendsAndAdvancesTheWriterIndex() {
        var buffer = NacosByteBuffer()
        #expect(buffer.writeBytes([1, 2, 3]) == 3)
        #expect(buffer.writerIndex == 3)
        #expect(buffer.writeString("hé") == 3)
        #expect(buffer.writerIndex == 6)
        #expect(buffer.readBytes(length: 3) == [1, 2, 3])
        #expect(buffer.readString(length: 3) == "hé")
        #expect(buffer.readerIndex == 6)
    }

    @Test func setOverwritesWithoutMovingIndices() {
        var buffer = NacosByteBuffer(bytes: [0, 0, 0, 0, 0, 0])
        #expect(buffer.setInteger(UInt16(0xBEEF), at: 1) == 2)
        #expect(buffer.setBytes([7, 8], at: 4) == 2)
        #expect(buffer.readerIndex == 0)
        #expect(buffer.writerIndex == 6)
        #expect(buffer.readableBytesArray == [0, 0xBE, 0xEF, 0, 7, 8])
        #expect(buffer.setInteger(UInt32(1), at: 0, endianness: .little) == 4)
        #expect(buffer.readableBytesArray == [1, 0, 0, 0, 7, 8])
    }

    @Test func setBeyondTheWriterIndexGrowsButStaysUnreadableUntilTheWriterIndexMoves() {
        var buffer = NacosByteBuffer(capacity: 4)
        buffer.writeBytes([1, 2])
        buffer.setBytes([9, 9, 9, 9, 9, 9, 9, 9], at: 100)
        #expect(buffer.writerIndex == 2)
        #expect(buffer.capacity >= 108)
        #expect(buffer.getBytes(at: 100, length: 1) == nil)
        buffer.moveWriterIndex(to: 108)
        #expect(buffer.getBytes(at: 100, length: 8) == [9, 9, 9, 9, 9, 9, 9, 9])
        #expect(buffer.getBytes(at: 0, length: 2) == [1, 2])
    }

    @Test func stringsAreUTF8() {
        var buffer = NacosByteBuffer(string: "naïve ☃")
        #expect(buffer.readableBytes == "naïve ☃".utf8.count)
        #expect(buffer.getString(at: 0, length: buffer.readableBytes) == "naïve ☃")
        #expect(buffer.readString(length: 2) == "na")
        #expect(buffer.readString(length: buffer.readableBytes) == "ïve ☃")
    }

    @Test func nonContiguousSequencesAreWritten() {
        let buffer = NacosByteBuffer(bytes: (0..<300).lazy.map { UInt8(truncatingIfNeeded: $0) })
        #expect(buffer.readableBytes == 300)
        #expect(buffer.readableBytesArray == (0..<300).map { UInt8(truncatingIfNeeded: $0) })
    }

    @Test func writeBufferConsumesTheSourceAndWriteImmutableBufferDoesNot() {
        var source = NacosByteBuffer(bytes: [1, 2, 3, 4])
        _ = source.readInteger(as: UInt8.self)
        var target = NacosByteBuffer(bytes: [0])
        #expect(target.writeImmutableBuffer(source) == 3)
        #expect(source.readableBytes == 3)
        #expect(target.writeBuffer(&source) == 3)
        #expect(source.readableBytes == 0)
        #expect(target.readableBytesArray == [0, 2, 3, 4, 2, 3, 4])
    }

    @Test func writeWithUnsafeMutableBytesAdvancesByTheReturnedCount() {
        var buffer = NacosByteBuffer()
        buffer.reserveCapacity(minimumWritableBytes: 16)
        #expect(buffer.writableBytes >= 16)
        let written = buffer.writeWithUnsafeMutableBytes { pointer in
            for i in 0..<5 { pointer[i] = UInt8(i + 1) }
            return 5
        }
        #expect(written == 5)
        #expect(buffer.writerIndex == 5)
        #expect(buffer.readableBytesArray == [1, 2, 3, 4, 5])
    }

    // MARK: - Slices and copy-on-write

    @Test func slicesSeeTheRightBytes() {
        var buffer = NacosByteBuffer(bytes: Array(0..<20))
        _ = buffer.readBytes(length: 5)
        let slice = buffer.readSlice(length: 10)
        #expect(slice?.readableBytesArray == Array(5..<15))
        #expect(slice?.readerIndex == 0)
        #expect(slice?.writerIndex == 10)
        #expect(buffer.readerIndex == 15)
        let slice2 = buffer.getSlice(at: 16, length: 3)
        #expect(slice2?.readableBytesArray == [16, 17, 18])
        #expect(slice2?.getInteger(at: 0, as: UInt8.self) == 16)
        #expect(buffer.readerIndex == 15)
    }

    @Test func writingToASliceLeavesTheOriginalIntact() throws {
        var original = NacosByteBuffer(bytes: Array(0..<16))
        var slice = try #require(original.getSlice(at: 4, length: 4))
        slice.setInteger(UInt32(0xFFFF_FFFF), at: 0)
        slice.writeBytes([42, 43])
        #expect(slice.readableBytesArray == [0xFF, 0xFF, 0xFF, 0xFF, 42, 43])
        #expect(original.readableBytesArray == Array(0..<16))
        // And the other way round.
        let slice2 = try #require(original.getSlice(at: 0, length: 8))
        original.setBytes([99, 99, 99, 99, 99, 99, 99, 99], at: 0)
        original.writeBytes([100])
        #expect(slice2.readableBytesArray == Array(0..<8))
        #expect(original.getBytes(at: 0, length: 8) == [99, 99, 99, 99, 99, 99, 99, 99])
        #expect(original.readableBytes == 17)
    }

    @Test func appendingToTheOriginalDoesNotLeakIntoASliceOrItsTail() throws {
        var original = NacosByteBuffer(capacity: 1024)
        original.writeBytes([1, 2, 3, 4])
        let maybeSlice = original.readSlice(length: 4)
        var slice = try #require(maybeSlice)
        // The original has spare capacity after the slice's bytes; appending must not write into storage
        // the slice can see, and the slice's own appends must not show up in the original.
        original.writeBytes([5, 6, 7, 8])
        slice.writeBytes([50, 60])
        #expect(slice.readableBytesArray == [1, 2, 3, 4, 50, 60])
        #expect(original.readableBytesArray == [5, 6, 7, 8])
        #expect(original.readerIndex == 4)
    }

    @Test func copiesAreIndependent() {
        var a = NacosByteBuffer(bytes: [1, 2, 3])
        var b = a
        b.writeInteger(UInt8(4))
        b.setInteger(UInt8(9), at: 0)
        #expect(a.readableBytesArray == [1, 2, 3])
        #expect(b.readableBytesArray == [9, 2, 3, 4])
        _ = a.readInteger(as: UInt8.self)
        #expect(b.readerIndex == 0)
        a.clear()
        #expect(b.readableBytesArray == [9, 2, 3, 4])
    }

    @Test func sliceOutlivesItsOriginal() {
        var slice: NacosByteBuffer?
        do {
            var original = NacosByteBuffer(bytes: Array(repeating: UInt8(7), count: 100))
            slice = original.readSlice(length: 50)
            original.clear()
            original.writeBytes(Array(repeating: UInt8(1), count: 100))
        }
        #expect(slice?.readableBytesArray == Array(repeating: UInt8(7), count: 50))
        // A slice that is now the only owner can still be written to.
        slice?.writeBytes([8])
        #expect(slice?.readableBytes == 51)
        #expect(slice?.getInteger(at: 50, as: UInt8.self) == 8)
    }

    // MARK: - discardReadBytes, clear, growth

    @Test func discardReadBytesMovesReadableBytesToTheFront() {
        var buffer = NacosByteBuffer(bytes: Array(0..<10))
        #expect(buffer.discardReadBytes() == false)
        _ = buffer.readBytes(length: 3)
        let capacity = buffer.capacity
        #expect(buffer.discardReadBytes() == true)
        #expect(buffer.readerIndex == 0)
        #expect(buffer.writerIndex == 7)
        #expect(buffer.capacity == capacity)
        #expect(buffer.readableBytesArray == Array(3..<10))
        buffer.writeBytes([10, 11])
        #expect(buffer.readableBytesArray == Array(3..<12))
    }

    @Test func discardReadBytesOfAFullyReadBufferEmptiesIt() {
        var buffer = NacosByteBuffer(bytes: [1, 2, 3])
        _ = buffer.readBytes(length: 3)
        #expect(buffer.discardReadBytes() == true)
        #expect(buffer.readerIndex == 0)
        #expect(buffer.writerIndex == 0)
        #expect(buffer.readableBytes == 0)
    }

    @Test func discardReadBytesLeavesSharingSlicesIntact() throws {
        var buffer = NacosByteBuffer(bytes: Array(0..<10))
        let maybeSlice = buffer.readSlice(length: 4)
        let slice = try #require(maybeSlice)
        buffer.discardReadBytes()
        #expect(slice.readableBytesArray == [0, 1, 2, 3])
        #expect(buffer.readableBytesArray == Array(4..<10))
        // A slice that discards its own read bytes, too.
        var slice2 = try #require(buffer.getSlice(at: 2, length: 4))
        _ = slice2.readInteger(as: UInt16.self)
        slice2.discardReadBytes()
        #expect(slice2.readableBytesArray == [8, 9])
        #expect(buffer.readableBytesArray == Array(4..<10))
    }

    @Test func clearResetsIndices() {
        var buffer = NacosByteBuffer(bytes: [1, 2, 3, 4])
        _ = buffer.readBytes(length: 1)
        buffer.clear()
        #expect(buffer.readerIndex == 0)
        #expect(buffer.writerIndex == 0)
        #expect(buffer.readableBytes == 0)
        buffer.writeBytes([5])
        #expect(buffer.readableBytesArray == [5])
    }

    @Test func growsFromZeroCapacity() {
        var buffer = NacosByteBuffer(capacity: 0)
        #expect(buffer.capacity == 0)
        for i in 0..<10_000 {
            buffer.writeInteger(UInt8(truncatingIfNeeded: i))
        }
        #expect(buffer.readableBytes == 10_000)
        #expect(buffer.capacity >= 10_000)
        #expect(buffer.writableBytes == buffer.capacity - 10_000)
        #expect(buffer.readableBytesArray == (0..<10_000).map { UInt8(truncatingIfNeeded: $0) })
        // One big write grows in one step and keeps what was there.
        buffer.writeBytes([UInt8](repeating: 0xAB, count: 1_000_000))
        #expect(buffer.readableBytes == 1_010_000)
        #expect(buffer.getInteger(at: 9_999, as: UInt8.self) == UInt8(truncatingIfNeeded: 9_999))
        #expect(buffer.getInteger(at: 1_009_999, as: UInt8.self) == 0xAB)
    }

    @Test func reserveCapacityGuaranteesWritableBytes() {
        var buffer = NacosByteBuffer(bytes: [1, 2, 3])
        buffer.reserveCapacity(minimumWritableBytes: 5000)
        #expect(buffer.writableBytes >= 5000)
        #expect(buffer.readableBytesArray == [1, 2, 3])
        var slice = buffer.getSlice(at: 1, length: 2)!
        slice.reserveCapacity(minimumWritableBytes: 100)
        #expect(slice.writableBytes >= 100)
        #expect(slice.readableBytesArray == [2, 3])
    }

    @Test func moveIndices() {
        var buffer = NacosByteBuffer(capacity: 16)
        buffer.moveWriterIndex(forwardBy: 0)
        buffer.writeBytes([1, 2, 3, 4])
        buffer.moveReaderIndex(to: 2)
        #expect(buffer.readableBytesArray == [3, 4])
        buffer.moveReaderIndex(to: 0)
        buffer.moveWriterIndex(to: 3)
        #expect(buffer.readableBytesArray == [1, 2, 3])
        buffer.moveReaderIndex(forwardBy: 3)
        #expect(buffer.readableBytes == 0)
    }

    // MARK: - Equatable

    @Test func equalityComparesReadableBytesOnly() {
        var a = NacosByteBuffer(bytes: [0, 0, 1, 2, 3])
        _ = a.readBytes(length: 2)
        var b = NacosByteBuffer(capacity: 1000)
        b.writeBytes([1, 2, 3])
        #expect(a == b)
        #expect(a == NacosByteBuffer(bytes: [1, 2, 3]))
        #expect(a != NacosByteBuffer(bytes: [1, 2, 4]))
        #expect(a != NacosByteBuffer(bytes: [1, 2]))
        #expect(a != NacosByteBuffer(bytes: [1, 2, 3, 0]))
        #expect(NacosByteBuffer() == NacosByteBuffer(capacity: 64))
        let slice = NacosByteBuffer(bytes: [9, 1, 2, 3, 9]).getSlice(at: 1, length: 3)
        #expect(slice == a)
        b.writeBytes([4])
        #expect(a != b)
    }
}
