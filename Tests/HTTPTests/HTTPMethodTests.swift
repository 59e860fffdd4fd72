import NacosHTTP
import Testing

@Suite struct HTTPMethodTests {
    @Test func registeredMethodsAreTokens() {
        for method in [HTTPMethod.get, .head, .post, .put, .delete, .patch, .options] {
            #expect(HTTPMethod.isValidToken(Array(method.rawValue.utf8)))
        }
    }

    @Test func separatorsAndEmptyAreNotTokens() {
        #expect(!HTTPMethod.isValidToken(Array("GE T".utf8)))
        #expect(!HTTPMethod.isValidToken(Array("GET/".utf8)))
        #expect(!HTTPMethod.isValidToken([UInt8]()))
        #expect(HTTPMethod(rawValue: "PURGE") != .get)
    }
}
