/// The HPACK Huffman code of RFC 7541 Appendix B: one code per byte value, plus EOS (symbol 256).
///
/// Codes are aligned on the least significant bit; `lengths[symbol]` gives how many of the low bits of
/// `codes[symbol]` form the code, sent most significant bit first.
internal enum HPACKHuffmanCodeTable {
    /// The symbol that marks the end of a string; it must never appear in an encoded string.
    static let endOfString = 256

    /// The code of each symbol, LSB-aligned, indexed by symbol (0...256).
    static let codes: [UInt32] = [
        0x00001ff8, 0x007fffd8, 0x0fffffe2, 0x0fffffe3,  // 0...3
        0x0fffffe4, 0x0fffffe5, 0x0fffffe6, 0x0fffffe7,  // 4...7
        0x0fffffe8, 0x00ffffea, 0x3ffffffc, 0x0fffffe9,  // 8...11
        0x0fffffea, 0x3ffffffd, 0x0fffffeb, 0x0fffffec,  // 12...15
        0x0fffffed, 0x0fffffee, 0x0fffffef, 0x0ffffff0,  // 16...19
        0x0ffffff1, 0x0ffffff2, 0x3ffffffe, 0x0ffffff3,  // 20...23
        0x0ffffff4, 0x0ffffff5, 0x0ffffff6, 0x0ffffff7,  // 24...27
        0x0ffffff8, 0x0ffffff9, 0x0ffffffa, 0x0ffffffb,  // 28...31
        0x00000014, 0x000003f8, 0x000003f9, 0x00000ffa,  // 32...35
        0x00001ff9, 0x00000015, 0x000000f8, 0x000007fa,  // 36...39
        0x000003fa, 0x000003fb, 0x000000f9, 0x000007fb,  // 40...43
        0x000000fa, 0x00000016, 0x00000017, 0x00000018,  // 44...47
        0x00000000, 0x00000001, 0x00000002, 0x00000019,  // 48...51
        0x0000001a, 0x0000001b, 0x0000001c, 0x0000001d,  // 52...55
        0x0000001e, 0x0000001f, 0x0000005c, 0x000000fb,  // 56...59
        0x00007ffc, 0x00000020, 0x00000ffb, 0x000003fc,  // 60...63
        0x00001ffa, 0x00000021, 0x0000005d, 0x0000005e,  // 64...67
        0x0000005f, 0x00000060, 0x00000061, 0x00000062,  // 68...71
        0x00000063, 0x00000064, 0x00000065, 0x00000066,  // 72...75
        0x00000067, 0x00000068, 0x00000069, 0x0000006a,  // 76...79
        0x0000006b, 0x0000006c, 0x0000006d, 0x0000006e,  // 80...83
        0x0000006f, 0x00000070, 0x00000071, 0x00000072,  // 84...87
        0x000000fc, 0x00000073, 0x000000fd, 0x00001ffb,  // 88...91
        0x0007fff0, 0x00001ffc, 0x00003ffc, 0x00000022,  // 92...95
        0x00007ffd, 0x00000003, 0x00000023, 0x00000004,  // 96...99
        0x00000024, 0x00000005, 0x00000025, 0x00000026,  // 100...103
        0x00000027, 0x00000006, 0x00000074, 0x00000075,  // 104...107
        0x00000028, 0x00000029, 0x0000002a, 0x00000007,  // 108...111
        0x0000002b, 0x00000076, 0x0000002c, 0x00000008,  // 112...115
        0x00000009, 0x0000002d, 0x00000077, 0x00000078,  // 116...119
        0x00000079, 0x0000007a, 0x0000007b, 0x00007ffe,  // 120...123
        0x000007fc, 0x00003ffd, 0x00001ffd, 0x0ffffffc,  // 124...127
        0x000fffe6, 0x003fffd2, 0x000fffe7, 0x000fffe8,  // 128...131
        0x003fffd3, 0x003fffd4, 0x003fffd5, 0x007fffd9,  // 132...135
        0x003fffd6, 0x007fffda, 0x007fffdb, 0x007fffdc,  // 136...139
        0x007fffdd, 0x007fffde, 0x00ffffeb, 0x007fffdf,  // 140...143
        0x00ffffec, 0x00ffffed, 0x003fffd7, 0x007fffe0,  // 144...147
        0x00ffffee, 0x007fffe1, 0x007fffe2, 0x007fffe3,  // 148...151
        0x007fffe4, 0x001fffdc, 0x003fffd8, 0x007fffe5,  // 152...155
        0x003fffd9, 0x007fffe6, 0x007fffe7, 0x00ffffef,  // 156...159
        0x003fffda, 0x001fffdd, 0x000fffe9, 0x003fffdb,  // 160...163
        0x003fffdc, 0x007fffe8, 0x007fffe9, 0x001fffde,  // 164...167
        0x007fffea, 0x003fffdd, 0x003fffde, 0x00fffff0,  // 168...171
        0x001fffdf, 0x003fffdf, 0x007fffeb, 0x007fffec,  // 172...175
        0x001fffe0, 0x001fffe1, 0x003fffe0, 0x001fffe2,  // 176...179
        0x007fffed, 0x003fffe1, 0x007fffee, 0x007fffef,  // 180...183
        0x000fffea, 0x003fffe2, 0x003fffe3, 0x003fffe4,  // 184...187
        0x007ffff0, 0x003fffe5, 0x003fffe6, 0x007ffff1,  // 188...191
        0x03ffffe0, 0x03ffffe1, 0x000fffeb, 0x0007fff1,  // 192...195
        0x003fffe7, 0x007ffff2, 0x003fffe8, 0x01ffffec,  // 196...199
        0x03ffffe2, 0x03ffffe3, 0x03ffffe4, 0x07ffffde,  // 200...203
        0x07ffffdf, 0x03ffffe5, 0x00fffff1, 0x01ffffed,  // 204...207
        0x0007fff2, 0x001fffe3, 0x03ffffe6, 0x07ffffe0,  // 208...211
        0x07ffffe1, 0x03ffffe7, 0x07ffffe2, 0x00fffff2,  // 212...215
        0x001fffe4, 0x001fffe5, 0x03ffffe8, 0x03ffffe9,  // 216...219
        0x0ffffffd, 0x07ffffe3, 0x07ffffe4, 0x07ffffe5,  // 220...223
        0x000fffec, 0x00fffff3, 0x000fffed, 0x001fffe6,  // 224...227
        0x003fffe9, 0x001fffe7, 0x001fffe8, 0x007ffff3,  // 228...231
        0x003fffea, 0x003fffeb, 0x01ffffee, 0x01ffffef,  // 232...235
        0x00fffff4, 0x00fffff5, 0x03ffffea, 0x007ffff4,  // 236...239
        0x03ffffeb, 0x07ffffe6, 0x03ffffec, 0x03ffffed,  // 240...243
        0x07ffffe7, 0x07ffffe8, 0x07ffffe9, 0x07ffffea,  // 244...247
        0x07ffffeb, 0x0ffffffe, 0x07ffffec, 0x07ffffed,  // 248...251
        0x07ffffee, 0x07ffffef, 0x07fffff0, 0x03ffffee,  // 252...255
        0x3fffffff,  // 256...256
    ]

    /// The length in bits of each symbol's code, indexed by symbol (0...256).
    static let lengths: [UInt8] = [
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28,  // 0...15
        28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,  // 16...31
        6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6,  // 32...47
        5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,  // 48...63
        13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,  // 64...79
        7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,  // 80...95
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,  // 96...111
        6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,  // 112...127
        20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23,  // 128...143
        24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,  // 144...159
        22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23,  // 160...175
        21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,  // 176...191
        26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,  // 192...207
        19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,  // 208...223
        20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23,  // 224...239
        26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,  // 240...255
        30,  // 256...256
    ]
}
