import NacosDistro
import Testing

@Suite("JavaStringHash")
struct JavaStringHashTests {
    @Test("matches Java's String.hashCode for known values")
    func knownValues() {
        #expect(JavaStringHash.hashCode("") == 0)
        #expect(JavaStringHash.hashCode("a") == 97)
        #expect(JavaStringHash.hashCode("abc") == 96_354)
        #expect(JavaStringHash.hashCode("hello") == 99_162_322)
        // The classic collision, and the classic string whose hash is Integer.MIN_VALUE.
        #expect(JavaStringHash.hashCode("Aa") == 2112)
        #expect(JavaStringHash.hashCode("BB") == 2112)
        #expect(JavaStringHash.hashCode("polygenelubricants") == Int32.min)
    }

    @Test("counts UTF-16 code units: a non-BMP character is its two surrogates")
    func utf16Units() {
        // U+1F600 is D83D DE00: 0xD83D × 31 + 0xDE00 = 1_716_067 + 56_832.
        #expect(JavaStringHash.hashCode("😀") == 1_772_899)
        // U+4E2D U+6587: 20_013 × 31 + 25_991.
        #expect(JavaStringHash.hashCode("中文") == 646_394)
        #expect(JavaStringHash.hashCode("a😀b") == 57_849_694)
    }

    @Test("wraps at 32 bits like Java's int")
    func wraps() {
        #expect(JavaStringHash.hashCode("192.168.1.1:8080") == -677_449_931)
        #expect(JavaStringHash.hashCode("10.0.0.1:8848") == -1_643_336_232)
        #expect(JavaStringHash.hashCode("127.0.0.1:8848") == -35_729_055)
    }
}
