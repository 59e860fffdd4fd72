import NacosNaming
import NacosRemote
import NacosServer
import NacosTransport
import Testing

@Suite struct ConfigurationPropertiesFileTests {
    private func parse(_ text: String) throws -> [NacosPropertiesFile.Entry] {
        try NacosPropertiesFile(path: "test.properties", contents: text).entries
    }

    @Test func separatorsCommentsAndBlankLinesFollowJavaProperties() throws {
        let entries = try self.parse(
            """
            # a comment
              ! another comment
            a=1
            b : 2
            c 3
            d\t=\t4
            e
            f=

            g==5
            """
        )
        #expect(entries.map(\.key) == ["a", "b", "c", "d", "e", "f", "g"])
        #expect(entries.map(\.value) == ["1", "2", "3", "4", "", "", "=5"])
        #expect(entries.map(\.line) == [3, 4, 5, 6, 7, 8, 10])
    }

    @Test func valuesAreTrimmedAndKeepInnerSpaces() throws {
        let entries = try self.parse("key =   two words   \n")
        #expect(entries == [NacosPropertiesFile.Entry(key: "key", value: "two words", line: 1)])
    }

    @Test func backslashContinuesALineAndSkipsTheNextLinesIndentation() throws {
        let entries = try self.parse("list=a,\\\n    b,\\\n    c\nnext=1\n")
        #expect(entries.count == 2)
        #expect(entries[0] == NacosPropertiesFile.Entry(key: "list", value: "a,b,c", line: 1))
        #expect(entries[1] == NacosPropertiesFile.Entry(key: "next", value: "1", line: 4))
    }

    @Test func anEvenNumberOfTrailingBackslashesDoesNotContinue() throws {
        let entries = try self.parse("path=C:\\\\\nother=1\n")
        #expect(entries.map(\.value) == ["C:\\", "1"])
    }

    /// Found while writing the `config` fuzz target: each natural line rescanned every backslash the logical
    /// line had gathered so far, so lines of three backslashes took quadratic time (64 KB took 13 s under
    /// ASan). The time is not asserted here: the fuzz corpus keeps that input, and libFuzzer's 10 s timeout
    /// in `Fuzz/run.sh` fails on it if it comes back.
    @Test func aLongChainOfBackslashOnlyContinuationLinesIsOneValue() throws {
        let lines = 40_000
        let text = "a=" + String(repeating: "\\\\\\\n", count: lines) + "end"
        // Each line keeps two of its three backslashes, which unescape to one.
        #expect(try self.parse(text) == [NacosPropertiesFile.Entry(key: "a", value: String(repeating: "\\", count: lines) + "end", line: 1)])
    }

    /// `\u` takes exactly four hexadecimal digits, as Java's `Properties`: no sign.
    @Test func aSignedUnicodeEscapeIsMalformed() throws {
        #expect(throws: NacosServerConfigurationError.self) { try self.parse("a=\\u+123\n") }
        #expect(try self.parse("a=\\u00e9\n").map(\.value) == ["é"])
    }

    @Test func aCommentLineEndingInABackslashDoesNotSwallowTheNextLine() throws {
        let entries = try self.parse("# comment \\\nkey=1\n")
        #expect(entries == [NacosPropertiesFile.Entry(key: "key", value: "1", line: 2)])
    }

    @Test func escapesInKeysAndValuesAreResolved() throws {
        let entries = try self.parse(#"my\ key\:x=tab\there\nnew \u00e9\uD83D\uDE00 \q"#)
        #expect(entries.count == 1)
        #expect(entries[0].key == "my key:x")
        #expect(entries[0].value == "tab\there\nnew é😀 q")
    }

    @Test func crLfAndLoneCrEndLines() throws {
        let entries = try self.parse("a=1\r\nb=2\rc=3")
        #expect(entries.map(\.key) == ["a", "b", "c"])
        #expect(entries.map(\.line) == [1, 2, 3])
    }

    @Test func malformedUnicodeEscapeNamesTheFileAndLine() {
        #expect {
            _ = try self.parse("ok=1\nbad=\\u12x4\n")
        } throws: { error in
            guard let error = error as? NacosServerConfigurationError else { return false }
            return error.kind == .malformedFile && error.source == .file(path: "test.properties", line: 2)
                && error.description.contains("test.properties:2")
        }
    }

    @Test func repeatedKeysAreKeptInOrderSoTheLastOneCounts() throws {
        let entries = try self.parse("server.port=1\nserver.port=2\n")
        #expect(entries.map(\.value) == ["1", "2"])
        let loader = NacosServerConfigurationLoader(environment: [:], files: ["a.properties": "server.port=1\nserver.port=2\n"])
        guard case .run(let configuration, _) = try loader.load(arguments: ["--config", "a.properties"]) else {
            Issue.record("expected run")
            return
        }
        #expect(configuration.httpPort == 2)
    }
}
