import NacosAuth
import NacosNamingAPI
import NacosRemote
import NacosTransport

/// Nacos's auth API (`/nacos/v1/auth/*`, the built-in auth plugin's controllers): login, the first
/// administrator, and the user, role and permission management that `AuthorizingResponder` keeps to
/// administrators (a user may change its own password).
struct AuthRoutes: Sendable {
    /// The path prefix.
    static let prefix = "/nacos/v1/auth"

    let auth: AuthManager

    /// Adds every auth route to `router`.
    func install(into router: inout HTTPRouter) {
        let auth = self.auth
        let prefix = Self.prefix

        let login: HTTPRouter.Handler = OpenAPIResponses.v1 { request in
            let parameters = OpenAPIParameters(request)
            let username = try parameters.required("username")
            let password = try parameters.required("password")
            let ip = request.remoteAddress?.host ?? "unknown"
            let result: AuthLoginResult
            do {
                result = try await auth.login(username: username, password: password, ip: ip)
            } catch let error as AuthLoginError {
                switch error {
                case .badCredentials:
                    return .text(error.message, status: .forbidden)
                case .throttled(let seconds):
                    var response = HTTPResponse.text(error.message, status: .tooManyRequests)
                    response.headers.add(name: "Retry-After", value: "\(seconds)")
                    return response
                case .busy:
                    var response = HTTPResponse.text(error.message, status: .serviceUnavailable)
                    response.headers.add(name: "Retry-After", value: "1")
                    return response
                }
            }
            var response = OpenAPIResponses.json { writer in
                writer.object { json in
                    json.field("accessToken", result.accessToken)
                    json.field("tokenTtl", result.tokenTTLSeconds)
                    json.field("globalAdmin", result.globalAdmin)
                    json.field("username", result.username)
                }
            }
            response.headers.add(name: "Authorization", value: "Bearer \(result.accessToken)")
            return response
        }
        router.add(.post, "\(prefix)/users/login", login)
        router.add(.post, "\(prefix)/login", login)

        router.add(.post, "\(prefix)/users/admin", OpenAPIResponses.v1 { request in
            do {
                let created = try await auth.createAdmin(password: OpenAPIParameters(request).optional("password"))
                return OpenAPIResponses.json { writer in
                    writer.object { json in
                        json.field("username", created.username)
                        json.field("password", created.password)
                    }
                }
            } catch let error as NacosException where error.errorCode.rawValue == 409 {
                return Self.restResult(code: 409, message: error.message, status: .conflict)
            }
        })

        router.add(.get, "\(prefix)/users", OpenAPIResponses.v1 { request in
            let parameters = OpenAPIParameters(request)
            let blur = parameters.optional("search") == "blur"
            let username = parameters.optional("username")
            let users = auth.directory.users.map(\.username).filter { Self.matches($0, username, blur: blur) }
            return try Self.page(users, parameters) { name, json in
                json.object { $0.field("username", name) }
            }
        })
        router.add(.post, "\(prefix)/users", OpenAPIResponses.v1 { request in
            let parameters = OpenAPIParameters(request)
            try await auth.createUser(username: try parameters.required("username"), password: try parameters.required("password"))
            return Self.restResult("create user ok!")
        })
        router.add(.delete, "\(prefix)/users", OpenAPIResponses.v1 { request in
            try await auth.deleteUser(username: try OpenAPIParameters(request).required("username"))
            return Self.restResult("delete user ok!")
        })
        router.add(.put, "\(prefix)/users", OpenAPIResponses.v1 { request in
            let parameters = OpenAPIParameters(request)
            let username = try parameters.required("username")
            let newPassword = try parameters.required("newPassword")
            if auth.isEnabled {
                // An administrator may change anyone's password, a user only its own.
                guard case .success(let caller) = auth.authenticate(AuthorizingResponder.token(of: request)),
                    caller == username || auth.isGlobalAdmin(caller)
                else { return .text(AuthRefusal.forbidden.message, status: .forbidden) }
            }
            try await auth.changePassword(username: username, newPassword: newPassword)
            return Self.restResult("update user ok!")
        })
        router.add(.get, "\(prefix)/users/search", OpenAPIResponses.v1 { request in
            let fragment = try OpenAPIParameters(request).required("username")
            return Self.names(auth.directory.users.map(\.username).filter { $0.contains(fragment) })
        })

        router.add(.get, "\(prefix)/roles", OpenAPIResponses.v1 { request in
            let parameters = OpenAPIParameters(request)
            let blur = parameters.optional("search") == "blur"
            let user = parameters.optional("username")
            let role = parameters.optional("role")
            let bindings = auth.directory.roleBindings.filter { binding in
                Self.matches(binding.username, user, blur: blur) && Self.matches(binding.role, role, blur: blur)
            }
            return try Self.page(bindings, parameters) { binding, json in
                json.object { item in
                    item.field("role", binding.role)
                    item.field("username", binding.username)
                }
            }
        })
        router.add(.post, "\(prefix)/roles", OpenAPIResponses.v1 { request in
            let parameters = OpenAPIParameters(request)
            try await auth.addRole(try parameters.required("role"), to: try parameters.required("username"))
            return Self.restResult("add role ok!")
        })
        router.add(.delete, "\(prefix)/roles", OpenAPIResponses.v1 { request in
            let parameters = OpenAPIParameters(request)
            let username = parameters.optional("username")
            try await auth.deleteRole(try parameters.required("role"), username: username)
            return Self.restResult(username.map { "delete role of user \($0) ok!" } ?? "delete role ok!")
        })
        router.add(.get, "\(prefix)/roles/search", OpenAPIResponses.v1 { request in
            let fragment = try OpenAPIParameters(request).required("role")
            return Self.names(Set(auth.directory.roleBindings.map(\.role)).filter { $0.contains(fragment) }.sorted())
        })

        router.add(.get, "\(prefix)/permissions", OpenAPIResponses.v1 { request in
            let parameters = OpenAPIParameters(request)
            let blur = parameters.optional("search") == "blur"
            let role = parameters.optional("role")
            let permissions = auth.directory.permissions.filter { Self.matches($0.role, role, blur: blur) }
            return try Self.page(permissions, parameters) { permission, json in
                json.object { item in
                    item.field("role", permission.role)
                    item.field("resource", permission.resource.text)
                    item.field("action", permission.action.rawValue)
                }
            }
        })
        router.add(.post, "\(prefix)/permissions", OpenAPIResponses.v1 { request in
            let parameters = OpenAPIParameters(request)
            try await auth.addPermission(
                role: try parameters.required("role"),
                resource: try parameters.required("resource"),
                action: try parameters.required("action")
            )
            return Self.restResult("add permission ok!")
        })
        router.add(.delete, "\(prefix)/permissions", OpenAPIResponses.v1 { request in
            let parameters = OpenAPIParameters(request)
            try await auth.deletePermission(
                role: try parameters.required("role"),
                resource: try parameters.required("resource"),
                action: try parameters.required("action")
            )
            return Self.restResult("delete permission ok!")
        })
    }

    /// The largest page the management lists return.
    static let maxPageSize = 500

    /// Nacos's `Page`: `{"totalCount", "pageNumber", "pagesAvailable", "pageItems"}`.
    private static func page<Item>(
        _ items: [Item],
        _ parameters: OpenAPIParameters,
        _ write: (Item, inout NacosJSONWriter) -> Void
    ) throws(OpenAPIError) -> HTTPResponse {
        let pageNo = try parameters.int("pageNo", default: 1, range: 1...1_000_000)
        let pageSize = try parameters.int("pageSize", default: 100, range: 1...Self.maxPageSize)
        let start = min(items.count, (pageNo - 1) * pageSize)
        let slice = items[start..<min(items.count, start + pageSize)]
        return OpenAPIResponses.json { writer in
            writer.object { json in
                json.field("totalCount", items.count)
                json.field("pageNumber", pageNo)
                json.field("pagesAvailable", (items.count + pageSize - 1) / pageSize)
                json.key("pageItems")
                json.array { list in
                    for item in slice { write(item, &list) }
                }
            }
        }
    }

    /// The answer of a `…/search` route: the first `maxPageSize` of `names` as a JSON array.
    private static func names(_ names: [String]) -> HTTPResponse {
        OpenAPIResponses.json { writer in
            writer.array { list in
                for name in names.prefix(Self.maxPageSize) { list.string(name) }
            }
        }
    }

    /// Whether `value` matches `fragment` (`blur`: contains it; otherwise equals it); anything matches `nil`.
    private static func matches(_ value: String, _ fragment: String?, blur: Bool) -> Bool {
        guard let fragment else { return true }
        return blur ? value.contains(fragment) : value == fragment
    }

    /// Nacos's `RestResult` of a success with `data` a message: `{"code":200,"message":null,"data":"…"}`.
    private static func restResult(_ data: String) -> HTTPResponse {
        OpenAPIResponses.json { writer in
            writer.object { json in
                json.field("code", 200)
                json.key("message")
                json.null()
                json.field("data", data)
            }
        }
    }

    /// Nacos's `RestResult` of a failure: `{"code":…,"message":"…","data":null}`.
    private static func restResult(code: Int, message: String, status: HTTPStatus) -> HTTPResponse {
        OpenAPIResponses.json(status: status) { writer in
            writer.object { json in
                json.field("code", code)
                json.field("message", message)
                json.key("data")
                json.null()
            }
        }
    }
}
