import NacosHTTP
import Testing

@Suite struct HTTPRouterTests {
    struct Unexpected: Error, CustomStringConvertible {
        var description: String { "something broke" }
    }

    static func router() -> HTTPRouter {
        var router = HTTPRouter()
        router.add(.get, "/nacos/v1/ns/instance") { _ in .text("get") }
        router.add(.post, "/nacos/v1/ns/instance/") { request in .text("post \(request.parameters["ip"] ?? "-")") }
        router.add(.delete, "/nacos/v1/ns/instance") { _ in throw HTTPError(.badRequest, "caused: param 'ip' is required") }
        router.add(.put, "/nacos/v1/ns/instance") { _ in throw Unexpected() }
        router.add(HTTPMethod(rawValue: "PURGE"), "/nacos/v1/ns/instance") { _ in .text("purged") }
        router.add(.post, "/only-post") { _ in .text("only") }
        router.add(.get, "/a b") { _ in .text("decoded") }
        return router
    }

    @Test func dispatchesByMethodAndExactPath() async {
        let router = Self.router()
        let get = await router.respond(to: HTTPRequest(method: .get, target: "/nacos/v1/ns/instance?x=1"))
        #expect(get.status == .ok)
        #expect(get.bodyText == "get")
        let post = await router.respond(to: HTTPRequest(method: .post, target: "/nacos/v1/ns/instance?ip=1.2.3.4"))
        #expect(post.bodyText == "post 1.2.3.4")
        let custom = await router.respond(to: HTTPRequest(method: HTTPMethod(rawValue: "PURGE"), target: "/nacos/v1/ns/instance"))
        #expect(custom.bodyText == "purged")
        let decoded = await router.respond(to: HTTPRequest(method: .get, target: "/a%20b"))
        #expect(decoded.bodyText == "decoded")
    }

    @Test func trailingSlashesAreTheSameRoute() async {
        let router = Self.router()
        #expect(await router.respond(to: HTTPRequest(method: .get, target: "/nacos/v1/ns/instance/")).bodyText == "get")
        #expect(await router.respond(to: HTTPRequest(method: .post, target: "/nacos/v1/ns/instance")).bodyText == "post -")
        #expect(await router.respond(to: HTTPRequest(method: .get, target: "/nacos/v1/ns")).status == .notFound)
        #expect(await router.respond(to: HTTPRequest(method: .get, target: "/NACOS/v1/ns/instance")).status == .notFound)
    }

    @Test func unknownPathIsNotFound() async {
        let response = await Self.router().respond(to: HTTPRequest(method: .get, target: "/nope?x"))
        #expect(response.status == .notFound)
        #expect(response.headers["Content-Type"] == "text/plain;charset=UTF-8")
        #expect(response.bodyText.contains("/nope"))
    }

    @Test func otherMethodIsMethodNotAllowedWithAllow() async {
        let router = Self.router()
        let response = await router.respond(to: HTTPRequest(method: .patch, target: "/nacos/v1/ns/instance"))
        #expect(response.status == .methodNotAllowed)
        #expect(response.headers["Allow"] == "GET, HEAD, POST, PUT, DELETE, PURGE")
        let onlyPost = await router.respond(to: HTTPRequest(method: .get, target: "/only-post"))
        #expect(onlyPost.status == .methodNotAllowed)
        #expect(onlyPost.headers["Allow"] == "POST")
        let headOnPost = await router.respond(to: HTTPRequest(method: .head, target: "/only-post"))
        #expect(headOnPost.status == .methodNotAllowed)
    }

    @Test func headFallsBackToGet() async {
        let response = await Self.router().respond(to: HTTPRequest(method: .head, target: "/nacos/v1/ns/instance"))
        #expect(response.status == .ok)
        #expect(response.bodyText == "get")
    }

    @Test func thrownErrorsBecomeResponses() async {
        let router = Self.router()
        let httpError = await router.respond(to: HTTPRequest(method: .delete, target: "/nacos/v1/ns/instance"))
        #expect(httpError.status == .badRequest)
        #expect(httpError.bodyText == "caused: param 'ip' is required")
        #expect(httpError.headers["Content-Type"] == "text/plain;charset=UTF-8")
        let other = await router.respond(to: HTTPRequest(method: .put, target: "/nacos/v1/ns/instance"))
        #expect(other.status == .internalServerError)
        #expect(other.bodyText == "something broke")
    }

    @Test func laterRegistrationReplacesEarlier() async {
        var router = HTTPRouter()
        router.add(.get, "/x") { _ in .text("1") }
        router.add(.get, "/x/") { _ in .text("2") }
        #expect(await router.respond(to: HTTPRequest(method: .get, target: "/x")).bodyText == "2")
        #expect(router.paths == ["/x"])
    }
}
