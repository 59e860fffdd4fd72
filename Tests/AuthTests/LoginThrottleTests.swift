import NacosAuth
import Testing

@Suite("LoginThrottle")
struct LoginThrottleTests {
    @Test func anIPIsRefusedAfterItsBurstAndAdmittedOnceItRefills() {
        let throttle = LoginThrottle(configuration: LoginThrottleConfiguration())
        for attempt in 0..<10 {
            #expect(throttle.admit(username: "nacos", ip: "10.0.0.1", nowMillis: Int64(attempt)) == .allowed)
            throttle.recordFailure(username: "nacos", ip: "10.0.0.1", nowMillis: Int64(attempt))
        }
        // 10 failures a minute: one comes back 6 seconds after the last failure.
        guard case .refused(let retryAfter) = throttle.admit(username: "other", ip: "10.0.0.1", nowMillis: 10) else {
            Issue.record("the IP should be refused after 10 failures")
            return
        }
        #expect(retryAfter > 0 && retryAfter <= 6)
        #expect(throttle.admit(username: "nacos", ip: "10.0.0.1", nowMillis: 5_000) != .allowed)
        #expect(throttle.admit(username: "nacos", ip: "10.0.0.1", nowMillis: 9 + Int64(retryAfter) * 1_000) == .allowed)
        // By 10 s about 1.67 failures have come back; one more leaves about 0.67, so 2 s to wait.
        throttle.recordFailure(username: "nacos", ip: "10.0.0.1", nowMillis: 10_000)
        #expect(throttle.admit(username: "nacos", ip: "10.0.0.1", nowMillis: 10_000) == .refused(retryAfterSeconds: 2))
    }

    @Test func aBruteForceFromOneIPDoesNotLockTheUserOutOfAnotherIP() {
        let throttle = LoginThrottle(configuration: LoginThrottleConfiguration())
        for attempt in 0..<1_000 {
            throttle.recordFailure(username: "nacos", ip: "198.51.100.7", nowMillis: Int64(attempt))
        }
        #expect(throttle.admit(username: "nacos", ip: "198.51.100.7", nowMillis: 1_000) != .allowed)
        #expect(throttle.admit(username: "nacos", ip: "203.0.113.9", nowMillis: 1_000) == .allowed)
        throttle.recordSuccess(username: "nacos", ip: "203.0.113.9", nowMillis: 1_000)
        #expect(throttle.admit(username: "nacos", ip: "203.0.113.9", nowMillis: 1_001) == .allowed)
        #expect(throttle.admit(username: "nacos", ip: "198.51.100.7", nowMillis: 1_001) != .allowed)
    }

    @Test func anExhaustedUserRefusesFailingIPsButAdmitsCleanOnes() {
        let throttle = LoginThrottle(configuration: LoginThrottleConfiguration())
        let attackers = (0..<20).map { "192.0.2.\($0)" }
        for ip in attackers {
            #expect(throttle.admit(username: "nacos", ip: ip, nowMillis: 0) == .allowed)
            throttle.recordFailure(username: "nacos", ip: ip, nowMillis: 0)
        }
        for ip in attackers {
            // 20 failures a minute: one comes back after 3 seconds.
            #expect(throttle.admit(username: "nacos", ip: ip, nowMillis: 0) == .refused(retryAfterSeconds: 3))
            #expect(throttle.admit(username: "alice", ip: ip, nowMillis: 0) == .allowed)
        }
        #expect(throttle.admit(username: "nacos", ip: "203.0.113.9", nowMillis: 0) == .allowed)
        #expect(throttle.admit(username: "nacos", ip: attackers[0], nowMillis: 3_000) == .allowed)
    }

    @Test func aSuccessForgivesTheIPButNotTheUser() {
        var configuration = LoginThrottleConfiguration()
        configuration.failuresPerUserBurst = 2
        let throttle = LoginThrottle(configuration: configuration)
        throttle.recordFailure(username: "nacos", ip: "a", nowMillis: 0)
        throttle.recordFailure(username: "nacos", ip: "a", nowMillis: 0)
        throttle.recordFailure(username: "alice", ip: "b", nowMillis: 0)
        #expect(throttle.admit(username: "nacos", ip: "a", nowMillis: 0) != .allowed)
        #expect(throttle.admit(username: "nacos", ip: "b", nowMillis: 0) != .allowed)
        throttle.recordSuccess(username: "nacos", ip: "a", nowMillis: 0)
        #expect(throttle.admit(username: "nacos", ip: "a", nowMillis: 0) == .allowed)
        #expect(throttle.admit(username: "nacos", ip: "b", nowMillis: 0) != .allowed)
    }

    @Test func theTablesStayWithinMaxTrackedKeys() {
        var configuration = LoginThrottleConfiguration()
        configuration.maxTrackedKeys = 5
        let throttle = LoginThrottle(configuration: configuration)
        for index in 0..<200 {
            throttle.recordFailure(username: "user\(index)", ip: "ip\(index % 50)", nowMillis: Int64(index))
            let counts = throttle.trackedKeyCounts
            #expect(counts.ips <= 5 && counts.users <= 5)
        }
    }

    @Test func idleEntriesAreDroppedBeforeBusyOnes() {
        var configuration = LoginThrottleConfiguration()
        configuration.failuresPerIPBurst = 1
        configuration.failuresPerIPPerMinute = 1
        configuration.maxTrackedKeys = 3
        let throttle = LoginThrottle(configuration: configuration)
        throttle.recordFailure(username: "u", ip: "a", nowMillis: 0)
        throttle.recordFailure(username: "u", ip: "b", nowMillis: 50_000)
        throttle.recordFailure(username: "u", ip: "c", nowMillis: 55_000)
        // At 60 s, a's bucket is full again (idle); b's and c's are still empty.
        throttle.recordFailure(username: "u", ip: "d", nowMillis: 60_000)
        #expect(throttle.trackedKeyCounts.ips == 3)
        #expect(throttle.admit(username: "v", ip: "b", nowMillis: 60_000) == .refused(retryAfterSeconds: 50))
        #expect(throttle.admit(username: "v", ip: "c", nowMillis: 60_000) == .refused(retryAfterSeconds: 55))
        // No idle entry left: the least recently used one (b) goes.
        throttle.recordFailure(username: "u", ip: "e", nowMillis: 60_000)
        #expect(throttle.trackedKeyCounts.ips == 3)
        #expect(throttle.admit(username: "v", ip: "b", nowMillis: 60_000) == .allowed)
        #expect(throttle.admit(username: "v", ip: "c", nowMillis: 60_000) != .allowed)
        #expect(throttle.admit(username: "v", ip: "d", nowMillis: 60_000) != .allowed)
    }

    @Test func timeGoingBackwardsDoesNotRefill() {
        var configuration = LoginThrottleConfiguration()
        configuration.failuresPerIPBurst = 1
        let throttle = LoginThrottle(configuration: configuration)
        throttle.recordFailure(username: "u", ip: "a", nowMillis: 100_000)
        #expect(throttle.admit(username: "u", ip: "a", nowMillis: 0) != .allowed)
    }
}
