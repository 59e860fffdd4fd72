import Foundation
import NacosRemote
import NacosTransport
import Testing

/// The fast JSON parser, writer and lenient object reads behind `NacosFastJSONCodable`.
@Suite("Fast JSON")
struct NacosJSONParserTests {
    private func parse(_ text: String) throws -> NacosJSONValue {
        try NacosJSONParser.parse(NacosByteBuffer(string: text))
    }

    @Test("parses every JSON value kind, escapes and surrogate pairs")
    func parsesValues() throws {
        let value = try self.parse(#" { "a" : [1, -2.5, 3e2, true, false, null, "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"], "b": {} } "#)
        guard case .object(let object) = value, case .array(let items) = object["a"] else {
            Issue.record("not an object with an array: \(value)")
            return
        }
        #expect(items == [.integer(1), .double(-2.5), .double(300), .bool(true), .bool(false), .null, .string("x\"\\/\u{8}\u{C}\n\r\té😀")])
        #expect(object["b"] == .object(NacosJSONObject()))
        #expect(try self.parse("9223372036854775807") == .integer(Int64.max))
        #expect(try self.parse("9223372036854775808") == .double(9_223_372_036_854_775_808))
    }

    @Test("rejects malformed JSON with the byte offset", arguments: [
        "", "{", "{\"a\"}", "{\"a\":1,}", "[1,]", "[1 2]", "01", "1.", "-", "1e", "tru", "nul", "\"abc", "\"\\x\"",
        "\"\\ud800\"", "\"\\udc00\"", "\"\u{01}\"", "{} {}", "{\"a\":1}x", "[\"\\u12G4\"]",
    ])
    func rejectsMalformed(text: String) {
        #expect(throws: NacosRemoteError.self) { try self.parse(text) }
    }

    @Test("rejects invalid UTF-8 and nesting deeper than the limit")
    func limits() throws {
        var bytes = Array("\"a".utf8)
        bytes += [0xFF, UInt8(ascii: "\"")]
        #expect(throws: NacosRemoteError.self) { try NacosJSONParser.parse(NacosByteBuffer(bytes: bytes)) }
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: NacosRemoteError.self) { try self.parse(deep) }
        let allowed = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try self.parse(allowed) }
    }

    @Test("lenient reads coerce as Jackson does and name the field on failure")
    func lenientReads() throws {
        let object = try NacosJSONParser.parseObject(NacosByteBuffer(string: #"""
            {"i":"42","f":7.9,"b":"TRUE","n":1,"s":12,"e":"","m":{"k":1,"z":null,"t":true},"o":{},"bad":[1]}
            """#))
        #expect(try object.integer("i") == 42)
        #expect(try object.integer("f") == 7)
        #expect(try object.bool("b") == true)
        #expect(try object.bool("n") == true)
        #expect(try object.string("s") == "12")
        #expect(try object.integer("e") == nil)
        #expect(try object.integer("missing") == nil)
        #expect(try object.stringMap("m") == ["k": "1", "t": "true"])
        #expect(try object.double("i") == 42)
        do {
            _ = try object.integer("bad")
            Issue.record("an array read as an integer")
        } catch {
            #expect(error.code == .malformedBody)
            #expect(error.message.contains("bad"))
        }
        #expect(throws: NacosRemoteError.self) { try object.bool("i") }
        #expect(throws: NacosRemoteError.self) { try object.integer("o") }
    }

    @Test("the writer escapes strings, writes Jackson-shaped numbers and round-trips through Foundation")
    func writer() throws {
        var writer = NacosJSONWriter()
        writer.object { writer in
            writer.field("s", "q\"\\\n\t\u{01}é")
            writer.field("whole", 1.0)
            writer.field("half", 0.5)
            writer.field("nan", Double.nan)
            writer.field("n", -3)
            writer.field("absent", nil as String?)
            writer.key("list")
            writer.array { writer in
                writer.string("a")
                writer.integer(2)
                writer.bool(false)
                writer.null()
            }
        }
        let text = String(decoding: writer.bytes, as: UTF8.self)
        #expect(text.contains(#""whole":1.0"#))
        #expect(text.contains(#""nan":null"#))
        #expect(!text.contains("absent"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(writer.bytes)) as? [String: Any])
        #expect(object["s"] as? String == "q\"\\\n\t\u{01}é")
        #expect(object["half"] as? Double == 0.5)
        #expect((object["list"] as? [Any])?.count == 4)
        let reparsed = try NacosJSONParser.parseObject(writer.buffer)
        #expect(try reparsed.string("s") == "q\"\\\n\t\u{01}é")
    }
}
