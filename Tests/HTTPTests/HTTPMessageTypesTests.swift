import NacosHTTP
import Testing

@Suite struct HTTPMessageTypesTests {
    @Test func headersKeepOrderAndCompareNamesWithoutCase() {
        var headers: HTTPHeaders = ["Content-Type": "text/plain", "X-A": "1"]
        headers.add(name: "x-a", value: "2")
        #expect(headers["content-type"] == "text/plain")
        #expect(headers["X-A"] == "1")
        #expect(headers.values(for: "X-a") == ["1", "2"])
        #expect(headers.count == 3)
        #expect(headers.map(\.name) == ["Content-Type", "X-A", "x-a"])
        headers.replaceOrAdd(name: "X-A", value: "3")
        #expect(headers.values(for: "x-a") == ["3"])
        #expect(headers.map(\.name) == ["Content-Type", "X-A"])
        headers.replaceOrAdd(name: "New", value: "n")
        #expect(headers["new"] == "n")
        headers.remove(name: "CONTENT-TYPE")
        #expect(headers["Content-Type"] == nil)
        #expect(headers.count == 2)
        #expect(headers["missing"] == nil)
    }

    @Test func parametersDecodeFormEncoding() {
        let parameters = HTTPParameters(urlEncoded: Array("a=1&b=x+y%21&a=2&c&=skipped&d=%zz%4&e=%E4%BD%A0&&f=a=b".utf8))
        #expect(parameters["a"] == "1")
        #expect(parameters.values(for: "a") == ["1", "2"])
        #expect(parameters["b"] == "x y!")
        #expect(parameters["c"] == "")
        #expect(parameters.contains("c"))
        #expect(!parameters.contains(""))
        #expect(parameters["d"] == "%zz%4")
        #expect(parameters["e"] == "你")
        #expect(parameters["f"] == "a=b")
        #expect(parameters["A"] == nil)
        #expect(parameters.names == ["a", "b", "c", "d", "e", "f"])
    }

    @Test func parametersMergeWithSelfFirst() {
        var query = HTTPParameters([("a", "q"), ("b", "q")])
        query.append(name: "c", value: "q")
        let form = HTTPParameters(urlEncoded: "a=f&d=f".utf8)
        let merged = query.merging(form)
        #expect(merged["a"] == "q")
        #expect(merged.values(for: "a") == ["q", "f"])
        #expect(merged["d"] == "f")
        #expect(merged.names == ["a", "b", "c", "d"])
    }

    @Test func requestDerivesPathQueryAndParameters() {
        let request = HTTPRequest(
            method: .post,
            target: "/nacos/v1/ns/instance%2Fx?serviceName=q&ip=1.1.1.1",
            headers: ["Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"],
            body: Array("serviceName=f&port=8080".utf8)
        )
        #expect(request.path == "/nacos/v1/ns/instance/x")
        #expect(request.query == "serviceName=q&ip=1.1.1.1")
        #expect(request.versionMinor == 1)
        #expect(request.queryParameters["ip"] == "1.1.1.1")
        #expect(request.formParameters["port"] == "8080")
        #expect(request.parameters["serviceName"] == "q")
        #expect(request.parameters.values(for: "serviceName") == ["q", "f"])
        #expect(request.parameters["port"] == "8080")
    }

    @Test func formParametersNeedTheFormContentType() {
        let json = HTTPRequest(method: .post, target: "/x?a=1", headers: ["Content-Type": "application/json"], body: Array("b=2".utf8))
        #expect(json.formParameters.isEmpty)
        #expect(json.parameters.names == ["a"])
        let untyped = HTTPRequest(method: .post, target: "/x", body: Array("b=2".utf8))
        #expect(untyped.formParameters.isEmpty)
        let upper = HTTPRequest(method: .put, target: "/x", headers: ["content-type": "Application/X-WWW-Form-Urlencoded"], body: Array("b=2".utf8))
        #expect(upper.formParameters["b"] == "2")
    }

    @Test func statusesHaveStandardPhrasesAndCompareByCode() {
        #expect(HTTPStatus.ok.reasonPhrase == "OK")
        #expect(HTTPStatus(code: 404).reasonPhrase == "Not Found")
        #expect(HTTPStatus.requestHeaderFieldsTooLarge.code == 431)
        #expect(HTTPStatus(code: 599).reasonPhrase == "")
        #expect(HTTPStatus(code: 200, reasonPhrase: "Fine") == .ok)
        #expect(HTTPStatus(code: 200, reasonPhrase: "Fine").reasonPhrase == "Fine")
        #expect(HTTPStatus.httpVersionNotSupported.description == "505 HTTP Version Not Supported")
    }

    @Test func responseFactoriesSetContentTypes() {
        let text = HTTPResponse.text("hi", status: .badRequest)
        #expect(text.status == .badRequest)
        #expect(text.headers["Content-Type"] == "text/plain;charset=UTF-8")
        #expect(text.bodyText == "hi")
        let json = HTTPResponse.json("{}")
        #expect(json.headers["content-type"] == "application/json;charset=UTF-8")
        #expect(json.body == Array("{}".utf8))
    }

    @Test func configurationValidationNamesTheField() {
        var configuration = HTTPServerConfiguration()
        #expect(throws: Never.self) { try configuration.validate() }
        configuration.maxPipelinedRequests = 0
        #expect { try configuration.validate() } throws: { "\($0)".contains("maxPipelinedRequests") }
        configuration = HTTPServerConfiguration()
        configuration.requestTimeout = .zero
        #expect { try configuration.validate() } throws: { "\($0)".contains("requestTimeout") }
    }
}
